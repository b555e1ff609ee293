-- xivo-121: fallback SMTP relay.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role xivo holds grants, not the objects).

ALTER TABLE mail ADD COLUMN fallback_relayhost VARCHAR(255);

UPDATE mail SET fallback_relayhost = '' WHERE fallback_relayhost IS NULL;
