-- xivo-123: session lookup by start time; XiVO directory definition.
-- Run in its own transaction after SET ROLE xivo.

CREATE INDEX session__idx__start ON session (start);

INSERT INTO directories (uri, dirtype, name, tablename, description)
    SELECT 'xivo', 'xivo', 'xivodir', '', 'XiVO directory'
     WHERE NOT EXISTS (SELECT 1 FROM directories WHERE name = 'xivodir');
