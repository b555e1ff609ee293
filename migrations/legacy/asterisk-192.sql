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

GRANT ALL ON func_key_dest_queue TO asterisk;

CREATE INDEX stat_call_on_queue__idx__time ON stat_call_on_queue ("time");
