-- asterisk-192: function keys pointing to a queue; index for the
-- call-on-queue statistics per period.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role asterisk holds grants, not the objects).

INSERT INTO func_key_destination_type (id, name) VALUES (3, 'queue');

CREATE TABLE func_key_dest_queue (
    func_key_id         INTEGER NOT NULL,
    destination_type_id INTEGER NOT NULL DEFAULT 3,
    queue_id            INTEGER NOT NULL,
    CONSTRAINT func_key_dest_queue_pkey PRIMARY KEY (func_key_id, destination_type_id, queue_id),
    CONSTRAINT func_key_dest_queue_destination_type_id_check CHECK (destination_type_id = 3),
    CONSTRAINT func_key_dest_queue_func_key_id_fkey FOREIGN KEY (func_key_id, destination_type_id)
        REFERENCES func_key (id, destination_type_id),
    CONSTRAINT func_key_dest_queue_queue_id_fkey FOREIGN KEY (queue_id)
        REFERENCES queuefeatures (id)
);

-- 14.07 granted to role asterisk, its owner role by name. The grant goes to
-- the database's owner (DB_OWNER, which the upgrade made it before this
-- script): the same role on a host that kept the name, and a host whose
-- owner role has another name does not fail on a missing role asterisk.
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON func_key_dest_queue TO %I',
                   (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                     WHERE datname = pg_catalog.current_database()));
END
$$;

CREATE INDEX stat_call_on_queue__idx__time ON stat_call_on_queue ("time");
