-- xivo-009 (XiVO 14.08): the tables of the 14.07 `xivo` database aligned
-- with the ones a fresh 14.08 install creates. Run as a superuser, as
-- 14.07's updater ran the numbered scripts as postgres; here inside the
-- upgrade's one transaction, on those tables once they are in `asterisk`.

-- 1. Tables 14.08 no longer has.
DROP TABLE IF EXISTS iproute, server CASCADE;

-- 2. Unique indexes become unique constraints or primary keys; the other
-- indexes of these tables go.
DROP INDEX IF EXISTS accesswebservice__uidx__name,
                     entity__idx__disable,
                     entity__idx__displayname,
                     entity__uidx__name,
                     ldapserver__idx__disable,
                     ldapserver__idx__host,
                     ldapserver__idx__port,
                     ldapserver__uidx__host_port,
                     ldapserver__uidx__name,
                     mail__uidx__origin,
                     netiface__uidx__ifname,
                     netiface__idx__address,
                     netiface__idx__broadcast,
                     netiface__idx__disable,
                     netiface__idx__family,
                     netiface__idx__gateway,
                     netiface__idx__hwtypeid,
                     netiface__idx__mtu,
                     netiface__idx__netmask,
                     netiface__idx__networktype,
                     netiface__idx__type,
                     netiface__idx__vlanid,
                     netiface__idx__vlanrawdevice,
                     resolvconf__uidx__hostname,
                     stats_conf__uidx__name,
                     stats_conf_agent_index,
                     stats_conf_group_index,
                     stats_conf_incall_index,
                     stats_conf_queue_index,
                     stats_conf_user_index,
                     stats_conf_xivouser_index,
                     user__idx__login,
                     user__idx__meta,
                     user__idx__passwd,
                     user__idx__time,
                     user__idx__valid,
                     user__uidx__login_meta;

ALTER TABLE accesswebservice ADD CONSTRAINT accesswebservice_name_key UNIQUE (name);
ALTER TABLE entity ADD CONSTRAINT entity_name_key UNIQUE (name);
ALTER TABLE ldapserver
    ADD CONSTRAINT ldapserver_name_key UNIQUE (name),
    ADD CONSTRAINT ldapserver_host_port_key UNIQUE (host, port);
ALTER TABLE mail ADD CONSTRAINT mail_origin_key UNIQUE (origin);
ALTER TABLE netiface ADD CONSTRAINT netiface_ifname_key UNIQUE (ifname);
ALTER TABLE resolvconf ADD CONSTRAINT resolvconf_domain_key UNIQUE (domain);
ALTER TABLE stats_conf ADD CONSTRAINT stats_conf_name_key UNIQUE (name);
ALTER TABLE stats_conf_agent
    ADD CONSTRAINT stats_conf_agent_pkey PRIMARY KEY (stats_conf_id, agentfeatures_id);
ALTER TABLE stats_conf_group
    ADD CONSTRAINT stats_conf_group_pkey PRIMARY KEY (stats_conf_id, groupfeatures_id);
ALTER TABLE stats_conf_incall
    ADD CONSTRAINT stats_conf_incall_pkey PRIMARY KEY (stats_conf_id, incall_id);
ALTER TABLE stats_conf_queue
    ADD CONSTRAINT stats_conf_queue_pkey PRIMARY KEY (stats_conf_id, queuefeatures_id);
ALTER TABLE stats_conf_user
    ADD CONSTRAINT stats_conf_user_pkey PRIMARY KEY (stats_conf_id, userfeatures_id);
ALTER TABLE stats_conf_xivouser
    ADD CONSTRAINT stats_conf_xivouser_pkey PRIMARY KEY (stats_conf_id, user_id);
ALTER TABLE "user" ADD CONSTRAINT user_login_meta_key UNIQUE (login, meta);

-- 3. Types, defaults and NOT NULLs.
ALTER TABLE mail ALTER COLUMN mydomain SET DEFAULT '0';
ALTER TABLE monitoring
    ALTER COLUMN alert_emails DROP DEFAULT,
    ALTER COLUMN dahdi_monitor_ports DROP DEFAULT;
ALTER TABLE netiface ALTER COLUMN description DROP NOT NULL;
ALTER TABLE resolvconf ALTER COLUMN description DROP NOT NULL;
ALTER TABLE session ALTER COLUMN sessid TYPE varchar(32);
ALTER TABLE stats_conf
    ALTER COLUMN default_delta SET DEFAULT '0',
    ALTER COLUMN period1 SET DEFAULT '0',
    ALTER COLUMN period2 SET DEFAULT '0',
    ALTER COLUMN period3 SET DEFAULT '0',
    ALTER COLUMN period4 SET DEFAULT '0',
    ALTER COLUMN period5 SET DEFAULT '0',
    ALTER COLUMN description DROP NOT NULL;
