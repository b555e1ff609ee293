-- asterisk-193: give queue_log a primary key.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role asterisk holds grants, not the objects).
--
-- The 14.08 upgrade notes let the administrator do this beforehand, as
-- superuser, while XiVO runs:
--   ALTER TABLE queue_log ADD COLUMN id SERIAL PRIMARY KEY;
--   GRANT ALL ON SEQUENCE queue_log_id_seq TO asterisk;
-- in which case the column, its sequence (owned by the table's owner)
-- and queue_log_pkey already exist and their ids are kept. Otherwise this is
-- exactly that statement: one rewrite of queue_log, one index build, nothing
-- more (queue_log may hold millions of rows). Rows pruned beforehand
-- (DELETE ... WHERE "time" < ...) change nothing here.

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
          FROM pg_catalog.pg_attribute
         WHERE attrelid = 'queue_log'::regclass
           AND attname = 'id'
           AND attnum > 0
           AND NOT attisdropped
    ) THEN
        ALTER TABLE queue_log ADD COLUMN id SERIAL PRIMARY KEY;
    END IF;
END
$$;

-- 14.07 granted to role asterisk, its owner role by name. The grant goes to
-- the database's owner (DB_OWNER, which the upgrade made it before this
-- script): the same role on a host that kept the name, and a host whose
-- owner role has another name does not fail on a missing role asterisk.
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON SEQUENCE queue_log_id_seq TO %I',
                   (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                     WHERE datname = pg_catalog.current_database()));
END
$$;
