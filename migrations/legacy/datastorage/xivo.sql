-- XiVO 14.07 database `xivo`, schema and default data at xivo-120
-- (the oldest level xivo-manage-db 14.08 upgrades from; see xivo-last).
--
-- Used to build test fixtures of the old two-database system. 14.07 ran it
-- as postgres (`su - postgres -c psql`) onto an empty database `xivo` owned by
-- role xivo: every object belongs to postgres and role xivo holds the grants
-- at the end of this file (docs/1407-layout.md).
-- Then xivo-121.sql and later bring it to the 14.08 merge point, where all of
-- it moves into database `asterisk`.

CREATE TYPE ldapserver_securitylayer AS ENUM ('tls', 'ssl');
CREATE TYPE ldapserver_protocolversion AS ENUM ('2', '3');
CREATE TYPE netiface_networktype AS ENUM ('data', 'voip');
CREATE TYPE netiface_type AS ENUM ('iface');
CREATE TYPE netiface_family AS ENUM ('inet', 'inet6');
CREATE TYPE netiface_method AS ENUM ('static', 'dhcp', 'manual');
CREATE TYPE user_meta AS ENUM ('user', 'admin', 'root');


CREATE TABLE accesswebservice (
    id          SERIAL,
    name        VARCHAR(64) NOT NULL DEFAULT '',
    login       VARCHAR(64),
    passwd      VARCHAR(64),
    host        VARCHAR(255),
    obj         TEXT NOT NULL,
    disable     INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX accesswebservice__idx__login ON accesswebservice (login);
CREATE INDEX accesswebservice__idx__passwd ON accesswebservice (passwd);
CREATE INDEX accesswebservice__idx__host ON accesswebservice (host);
CREATE INDEX accesswebservice__idx__disable ON accesswebservice (disable);
CREATE UNIQUE INDEX accesswebservice__uidx__name ON accesswebservice (name);


CREATE TABLE directories (
    id          SERIAL,
    uri         VARCHAR(255),
    dirtype     VARCHAR(20),
    name        VARCHAR(255),
    tablename   VARCHAR(255),
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);


CREATE TABLE entity (
    id          SERIAL,
    name        VARCHAR(64) NOT NULL DEFAULT '',
    displayname VARCHAR(128) NOT NULL DEFAULT '',
    phonenumber VARCHAR(40) NOT NULL DEFAULT '',
    faxnumber   VARCHAR(40) NOT NULL DEFAULT '',
    email       VARCHAR(255) NOT NULL DEFAULT '',
    url         VARCHAR(255) NOT NULL DEFAULT '',
    address1    VARCHAR(30) NOT NULL DEFAULT '',
    address2    VARCHAR(30) NOT NULL DEFAULT '',
    city        VARCHAR(128) NOT NULL DEFAULT '',
    state       VARCHAR(128) NOT NULL DEFAULT '',
    zipcode     VARCHAR(16) NOT NULL DEFAULT '',
    country     VARCHAR(3) NOT NULL DEFAULT '',
    disable     INTEGER NOT NULL DEFAULT 0,
    dcreate     INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX entity__idx__displayname ON entity (displayname);
CREATE INDEX entity__idx__disable ON entity (disable);
CREATE UNIQUE INDEX entity__uidx__name ON entity (name);


CREATE TABLE iproute (
    id          SERIAL,
    name        VARCHAR(64) NOT NULL DEFAULT '',
    iface       VARCHAR(64) NOT NULL DEFAULT '',
    destination VARCHAR(39) NOT NULL,
    netmask     VARCHAR(39) NOT NULL,
    gateway     VARCHAR(39) NOT NULL,
    disable     INTEGER NOT NULL DEFAULT 0,
    dcreate     INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX iproute__idx__iface ON iproute (iface);
CREATE UNIQUE INDEX iproute__uidx__name ON iproute (name);
CREATE UNIQUE INDEX iproute__uidx__destination_netmask_gateway ON iproute (destination, netmask, gateway);


CREATE TABLE ldapserver (
    id              SERIAL,
    name            VARCHAR(64) NOT NULL DEFAULT '',
    host            VARCHAR(255) NOT NULL DEFAULT '',
    port            INTEGER NOT NULL,
    securitylayer   ldapserver_securitylayer,
    protocolversion ldapserver_protocolversion NOT NULL DEFAULT '3',
    disable         INTEGER NOT NULL DEFAULT 0,
    dcreate         INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ldapserver__idx__host ON ldapserver (host);
CREATE INDEX ldapserver__idx__port ON ldapserver (port);
CREATE INDEX ldapserver__idx__disable ON ldapserver (disable);
CREATE UNIQUE INDEX ldapserver__uidx__name ON ldapserver (name);
CREATE UNIQUE INDEX ldapserver__uidx__host_port ON ldapserver (host, port);


CREATE TABLE netiface (
    id              SERIAL,
    ifname          VARCHAR(64) NOT NULL DEFAULT '',
    hwtypeid        INTEGER NOT NULL DEFAULT 65534,
    networktype     netiface_networktype NOT NULL,
    type            netiface_type NOT NULL,
    family          netiface_family NOT NULL,
    method          netiface_method,
    address         VARCHAR(39),
    netmask         VARCHAR(39),
    broadcast       VARCHAR(15),
    gateway         VARCHAR(39),
    mtu             INTEGER,
    vlanrawdevice   VARCHAR(64),
    vlanid          INTEGER,
    options         TEXT NOT NULL,
    disable         INTEGER NOT NULL DEFAULT 0,
    dcreate         INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX netiface__idx__hwtypeid ON netiface (hwtypeid);
CREATE INDEX netiface__idx__networktype ON netiface (networktype);
CREATE INDEX netiface__idx__type ON netiface (type);
CREATE INDEX netiface__idx__family ON netiface (family);
CREATE INDEX netiface__idx__address ON netiface (address);
CREATE INDEX netiface__idx__disable ON netiface (disable);
CREATE UNIQUE INDEX netiface__uidx__ifname ON netiface (ifname);


CREATE TABLE resolvconf (
    id          SERIAL,
    hostname    VARCHAR(63) NOT NULL DEFAULT 'xivo',
    domain      VARCHAR(255) NOT NULL DEFAULT '',
    nameserver1 VARCHAR(255),
    nameserver2 VARCHAR(255),
    nameserver3 VARCHAR(255),
    search      VARCHAR(255),
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX resolvconf__uidx__hostname ON resolvconf (hostname);


CREATE TABLE server (
    id          SERIAL,
    name        VARCHAR(64) NOT NULL DEFAULT '',
    host        VARCHAR(255) NOT NULL DEFAULT '',
    ws_login    VARCHAR(64) NOT NULL DEFAULT '',
    ws_pass     VARCHAR(64) NOT NULL DEFAULT '',
    ws_port     INTEGER NOT NULL,
    ws_ssl      INTEGER NOT NULL DEFAULT 0,
    cti_port    INTEGER NOT NULL,
    cti_login   VARCHAR(64) NOT NULL DEFAULT '',
    cti_pass    VARCHAR(64) NOT NULL DEFAULT '',
    cti_ssl     INTEGER NOT NULL DEFAULT 0,
    dcreate     INTEGER NOT NULL DEFAULT 0,
    disable     INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX server__idx__host ON server (host);
CREATE INDEX server__idx__disable ON server (disable);
CREATE UNIQUE INDEX server__uidx__name ON server (name);
CREATE UNIQUE INDEX server__uidx__host_wsport ON server (host, ws_port);
CREATE UNIQUE INDEX server__uidx__host_ctiport ON server (host, cti_port);


CREATE TABLE session (
    sessid      CHAR(32) NOT NULL,
    start       INTEGER NOT NULL,
    expire      INTEGER NOT NULL,
    identifier  VARCHAR(255) NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (sessid)
);
CREATE INDEX session__idx__expire ON session (expire);
CREATE INDEX session__idx__identifier ON session (identifier);


CREATE TABLE "user" (
    id          SERIAL,
    entity_id   INTEGER DEFAULT NULL REFERENCES entity (id) ON DELETE RESTRICT,
    login       VARCHAR(64) NOT NULL DEFAULT '',
    passwd      VARCHAR(64) NOT NULL DEFAULT '',
    meta        user_meta NOT NULL DEFAULT 'user',
    valid       INTEGER NOT NULL DEFAULT 1,
    "time"      INTEGER NOT NULL DEFAULT 0,
    dcreate     INTEGER NOT NULL DEFAULT 0,
    dupdate     INTEGER NOT NULL DEFAULT 0,
    obj         TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX user__idx__login ON "user" (login);
CREATE INDEX user__idx__passwd ON "user" (passwd);
CREATE INDEX user__idx__meta ON "user" (meta);
CREATE INDEX user__idx__valid ON "user" (valid);
CREATE INDEX user__idx__time ON "user" ("time");
CREATE UNIQUE INDEX user__uidx__login_meta ON "user" (login, meta);


CREATE TABLE dhcp (
    id              SERIAL,
    active          INTEGER NOT NULL DEFAULT 0,
    pool_start      VARCHAR(64) NOT NULL DEFAULT '',
    pool_end        VARCHAR(64) NOT NULL DEFAULT '',
    extra_ifaces    VARCHAR(255) NOT NULL DEFAULT '',
    PRIMARY KEY (id)
);


CREATE TABLE mail (
    id                  SERIAL,
    mydomain            VARCHAR(255) NOT NULL DEFAULT '0',
    origin              VARCHAR(255) NOT NULL DEFAULT 'xivo-clients.proformatique.com',
    relayhost           VARCHAR(255),
    canonical           TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX mail__uidx__origin ON mail (origin);


CREATE TABLE monitoring (
    id                  SERIAL,
    maintenance         INTEGER NOT NULL DEFAULT 0,
    alert_emails        VARCHAR(4096) DEFAULT NULL,
    dahdi_monitor_ports VARCHAR(255) DEFAULT NULL,
    max_call_duration   INTEGER DEFAULT NULL,
    PRIMARY KEY (id)
);


CREATE TABLE provisioning (
    id                  SERIAL,
    net4_ip             VARCHAR(39) NOT NULL,
    net4_ip_rest        VARCHAR(39) NOT NULL,
    username            VARCHAR(32) NOT NULL,
    password            VARCHAR(32) NOT NULL,
    dhcp_integration    INTEGER NOT NULL DEFAULT 0,
    rest_port           INTEGER NOT NULL,
    http_port           INTEGER NOT NULL,
    private             INTEGER NOT NULL DEFAULT 0,
    secure              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);


CREATE TABLE stats_conf (
    id              SERIAL,
    name            VARCHAR(64) NOT NULL DEFAULT '',
    hour_start      TIME NOT NULL,
    hour_end        TIME NOT NULL,
    homepage        INTEGER,
    timezone        VARCHAR(128) NOT NULL DEFAULT '',
    default_delta   VARCHAR(16) NOT NULL DEFAULT '0',
    monday          SMALLINT NOT NULL DEFAULT 0,
    tuesday         SMALLINT NOT NULL DEFAULT 0,
    wednesday       SMALLINT NOT NULL DEFAULT 0,
    thursday        SMALLINT NOT NULL DEFAULT 0,
    friday          SMALLINT NOT NULL DEFAULT 0,
    saturday        SMALLINT NOT NULL DEFAULT 0,
    sunday          SMALLINT NOT NULL DEFAULT 0,
    period1         VARCHAR(16) NOT NULL DEFAULT '0',
    period2         VARCHAR(16) NOT NULL DEFAULT '0',
    period3         VARCHAR(16) NOT NULL DEFAULT '0',
    period4         VARCHAR(16) NOT NULL DEFAULT '0',
    period5         VARCHAR(16) NOT NULL DEFAULT '0',
    dbegcache       INTEGER DEFAULT 0,
    dendcache       INTEGER DEFAULT 0,
    dgenercache     INTEGER DEFAULT 0,
    dcreate         INTEGER DEFAULT 0,
    dupdate         INTEGER DEFAULT 0,
    disable         SMALLINT NOT NULL DEFAULT 0,
    description     TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX stats_conf__idx__disable ON stats_conf (disable);
CREATE UNIQUE INDEX stats_conf__uidx__name ON stats_conf (name);


CREATE TABLE stats_conf_agent (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    agentfeatures_id    INTEGER NOT NULL
);
CREATE UNIQUE INDEX stats_conf_agent_index ON stats_conf_agent (stats_conf_id, agentfeatures_id);


CREATE TABLE stats_conf_user (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    userfeatures_id     INTEGER NOT NULL
);
CREATE UNIQUE INDEX stats_conf_user_index ON stats_conf_user (stats_conf_id, userfeatures_id);


CREATE TABLE stats_conf_incall (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    incall_id           INTEGER NOT NULL
);
CREATE UNIQUE INDEX stats_conf_incall_index ON stats_conf_incall (stats_conf_id, incall_id);


CREATE TABLE stats_conf_queue (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    queuefeatures_id    INTEGER NOT NULL,
    qos                 SMALLINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX stats_conf_queue_index ON stats_conf_queue (stats_conf_id, queuefeatures_id);


CREATE TABLE stats_conf_group (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    groupfeatures_id    INTEGER NOT NULL
);
CREATE UNIQUE INDEX stats_conf_group_index ON stats_conf_group (stats_conf_id, groupfeatures_id);


CREATE TABLE stats_conf_xivouser (
    stats_conf_id       INTEGER NOT NULL REFERENCES stats_conf (id) ON DELETE CASCADE,
    user_id             INTEGER NOT NULL REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX stats_conf_xivouser_index ON stats_conf_xivouser (stats_conf_id, user_id);


CREATE VIEW netiface_voip AS
    SELECT id, ifname, method, address, netmask, gateway, vlanid
      FROM netiface
     WHERE networktype = 'voip' AND disable = 0;


CREATE FUNCTION session_purge_expired(now_epoch integer)
    RETURNS integer AS
$$
DECLARE
    purged integer;
BEGIN
    DELETE FROM session WHERE expire < now_epoch;
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END;
$$
LANGUAGE plpgsql;


INSERT INTO directories (uri, dirtype, name, tablename, description) VALUES
    ('internal', NULL, 'internal', '', 'XiVO internal users'),
    ('phonebook', NULL, 'phonebook', '', 'XiVO phonebook');

INSERT INTO resolvconf VALUES (DEFAULT, 'xivo', '', NULL, NULL, NULL, NULL, '');

INSERT INTO "user" VALUES (DEFAULT, NULL, 'root', 'proformatique', 'root', 1, 0, 0, 0, '');

INSERT INTO dhcp VALUES (DEFAULT, 0, '', '', '');

INSERT INTO mail VALUES (DEFAULT, '', 'xivo-clients.proformatique.com', '', '');

INSERT INTO monitoring VALUES (DEFAULT, 0, NULL, NULL, NULL);

INSERT INTO provisioning VALUES (DEFAULT, '', '', 'admin', 'admin', 0, 8666, 8667, 0, 0);

-- 14.07 created everything above as postgres; the web interface connects as
-- xivo, which gets its rights here.
GRANT ALL ON ALL TABLES IN SCHEMA public TO xivo;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO xivo;
