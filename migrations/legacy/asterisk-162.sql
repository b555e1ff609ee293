-- asterisk-162 (XiVO 14.08): function keys can point at a conference room.
-- Run as a superuser, as 14.07's updater ran the numbered scripts as
-- postgres; here inside the upgrade's one transaction.

-- The destination type, unless an earlier attempt left it.
INSERT INTO func_key_destination_type (id, name)
SELECT 4, 'conference'
 WHERE NOT EXISTS (SELECT 1 FROM func_key_destination_type
                    WHERE id = 4 AND name = 'conference');

-- One row per conference function key; the type is always 'conference'.
DROP TABLE IF EXISTS func_key_dest_conference CASCADE;
CREATE TABLE func_key_dest_conference (
    func_key_id         integer NOT NULL,
    destination_type_id integer NOT NULL DEFAULT 4
        CONSTRAINT func_key_dest_conference_destination_type_id_check
        CHECK (destination_type_id = 4),
    conference_id       integer NOT NULL
        CONSTRAINT func_key_dest_conference_conference_id_fkey
        REFERENCES meetmefeatures (id),
    CONSTRAINT func_key_dest_conference_pkey
        PRIMARY KEY (func_key_id, destination_type_id, conference_id),
    CONSTRAINT func_key_dest_conference_func_key_id_destination_type_id_fkey
        FOREIGN KEY (func_key_id, destination_type_id)
        REFERENCES func_key (id, destination_type_id)
);

-- 14.07 granted its tables to role asterisk; here the grant goes to the
-- database's owner role, which the upgrade made the owner beforehand (the
-- same role unless DB_OWNER names another).
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON TABLE func_key_dest_conference TO %I',
                   (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                     WHERE datname = pg_catalog.current_database()));
END
$$;
