-- xivo-008 (XiVO 14.07): users of the web interface belong to an entity.
-- Only a 14.06 host runs it (xivo level 007). Run as a superuser, as 14.07's
-- updater ran it as postgres; here inside the upgrade's one transaction, on
-- the merged tables of `asterisk`.
--
-- The column is dropped if present and added again, so it ends up last in
-- "user", where a 14.06 host that 14.07 upgraded has it; no row of a 14.06
-- host can hold a value in it (14.06 had no such column).

ALTER TABLE "user" DROP COLUMN IF EXISTS entity_id;
ALTER TABLE "user"
    ADD COLUMN entity_id integer DEFAULT NULL
        CONSTRAINT user_entity_id_fkey REFERENCES entity (id) ON DELETE RESTRICT;
