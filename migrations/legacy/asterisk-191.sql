-- asterisk-191: online call recording switch for users.
-- Run in its own transaction after SET ROLE asterisk.

ALTER TABLE userfeatures ADD COLUMN enableonlinerec INTEGER NOT NULL DEFAULT 0;

INSERT INTO extensions (commented, context, exten, type, typeval)
    SELECT 0, 'xivo-features', '*41', 'extenfeatures', 'onlinerec'
     WHERE NOT EXISTS (SELECT 1 FROM extensions WHERE exten = '*41' AND context = 'xivo-features');
