-- asterisk-191: online call recording switch for users.
-- 14.07 ran it as postgres; xivo-manage-db runs it as a superuser too, inside
-- the upgrade's transaction (role asterisk holds grants, not the objects).

ALTER TABLE userfeatures ADD COLUMN enableonlinerec INTEGER NOT NULL DEFAULT 0;

INSERT INTO extensions (commented, context, exten, type, typeval)
    SELECT 0, 'xivo-features', '*41', 'extenfeatures', 'onlinerec'
     WHERE NOT EXISTS (SELECT 1 FROM extensions WHERE exten = '*41' AND context = 'xivo-features');
