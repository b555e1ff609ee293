-- Realistic content for a 14.07 `xivo` database (datastorage/xivo.sql at
-- xivo-120): entities, web users and sessions, LDAP servers, network
-- configuration, statistics configuration. Run as role xivo.
-- Deterministic: two runs give the same checksums.

\set ON_ERROR_STOP 1
BEGIN;

INSERT INTO entity (name, displayname, phonenumber, email, city, country, description)
    VALUES ('xivo-entity', 'Avencall', '0123456789', 'contact@example.com', 'Lyon', 'FR', ''),
           ('branch-2', 'Branch 2', '0499999999', 'b2@example.com', 'Quebec', 'CA', '');
INSERT INTO "user" (entity_id, login, passwd, meta, valid, obj)
    SELECT 1, 'admin' || i, 'pw' || i, 'admin', 1, '' FROM generate_series(1, 5) AS i;
INSERT INTO session (sessid, start, expire, identifier, data)
    SELECT md5('s' || i), 1400000000 + i * 60, 1400000000 + i * 60 + 3600, 'admin' || (1 + i % 5),
           'xivo|a:1:{s:4:"auth";b:1;}'
      FROM generate_series(1, 500) AS i;
INSERT INTO ldapserver (name, host, port, securitylayer, protocolversion, description)
    VALUES ('corporate', 'ldap.example.com', 389, NULL, '3', ''),
           ('corporate-ssl', 'ldaps.example.com', 636, 'ssl', '3', '');
INSERT INTO netiface (ifname, networktype, type, family, method, address, netmask, broadcast, gateway, options, description)
    VALUES ('eth0', 'voip', 'iface', 'inet', 'static', '10.0.0.10', '255.255.255.0', '10.0.0.255', '10.0.0.1', '', 'system'),
           ('eth1', 'data', 'iface', 'inet', 'dhcp', NULL, NULL, NULL, NULL, '', '');
INSERT INTO iproute (name, iface, destination, netmask, gateway, description)
    VALUES ('to-branch', 'eth0', '192.168.50.0', '255.255.255.0', '10.0.0.254', '');
UPDATE resolvconf SET hostname = 'xivo-lyon', domain = 'example.com', nameserver1 = '10.0.0.2', search = 'example.com';
UPDATE dhcp SET active = 1, pool_start = '10.0.0.100', pool_end = '10.0.0.200';
UPDATE mail SET mydomain = 'example.com', relayhost = 'smtp.example.com';
UPDATE monitoring SET maintenance = 0, alert_emails = 'ops@example.com', max_call_duration = 7200;
INSERT INTO server (name, host, ws_login, ws_pass, ws_port, cti_port, description)
    VALUES ('xivo-quebec', '192.168.50.10', 'ws', 'wspass', 50051, 5003, '');
INSERT INTO accesswebservice (name, login, passwd, host, obj, description)
    VALUES ('xivo-confgend', 'confgend', 'secret1', '127.0.0.1', '', ''),
           ('crm', 'crm', 'secret2', '10.0.0.50', '', '');
INSERT INTO stats_conf (name, hour_start, hour_end, timezone, monday, tuesday, wednesday, thursday, friday, description)
    VALUES ('weekdays', '08:00', '18:00', 'Europe/Paris', 1, 1, 1, 1, 1, ''),
           ('support', '09:00', '17:00', 'Europe/Paris', 1, 1, 1, 1, 1, '');
INSERT INTO stats_conf_agent (stats_conf_id, agentfeatures_id) SELECT 1, a FROM generate_series(1, 50) AS a;
INSERT INTO stats_conf_user (stats_conf_id, userfeatures_id) SELECT 2, u FROM generate_series(1, 20) AS u;
INSERT INTO stats_conf_queue (stats_conf_id, queuefeatures_id, qos) SELECT 1, q, 20 FROM generate_series(1, 10) AS q;

COMMIT;
