-- xivo-123: session lookup by start time; XiVO directory definition.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role xivo holds grants, not the objects).

CREATE INDEX session__idx__start ON session (start);

INSERT INTO directories (uri, dirtype, name, tablename, description)
    SELECT 'xivo', 'xivo', 'xivodir', '', 'XiVO directory'
     WHERE NOT EXISTS (SELECT 1 FROM directories WHERE name = 'xivodir');
