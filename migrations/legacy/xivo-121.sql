-- xivo-121: fallback SMTP relay.
-- Run in its own transaction after SET ROLE xivo.

ALTER TABLE mail ADD COLUMN fallback_relayhost VARCHAR(255);

UPDATE mail SET fallback_relayhost = '' WHERE fallback_relayhost IS NULL;
