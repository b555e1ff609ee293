-- xivo-008 (XiVO 14.07): users of the web interface belong to an entity.
-- Only a 14.06 host runs it (xivo level 007). Run as a superuser, as 14.07's
-- updater ran it as postgres; here inside the upgrade's one transaction, on
-- the merged tables of `asterisk`.
--
-- 14.06 had no such column: it is added last in "user", where a 14.06 host
-- that 14.07 upgraded has it. Where it exists already (a 14.07 backup
-- restored with the levels of 14.06) it is kept with its values, never
-- dropped and added again.

ALTER TABLE "user"
    ADD COLUMN IF NOT EXISTS entity_id integer DEFAULT NULL
        CONSTRAINT user_entity_id_fkey REFERENCES entity (id) ON DELETE RESTRICT;
