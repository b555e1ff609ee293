-- xivo-122: reject impossible LDAP ports; provisioning REST API listens on
-- the loopback by default.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role xivo holds grants, not the objects).

UPDATE ldapserver SET port = 389 WHERE port <= 0 OR port >= 65536;

ALTER TABLE ldapserver ADD CONSTRAINT ldapserver_port_check CHECK (port > 0 AND port < 65536);

UPDATE provisioning SET net4_ip_rest = '127.0.0.1' WHERE net4_ip_rest = '';
