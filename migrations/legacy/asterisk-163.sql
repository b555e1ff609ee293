-- asterisk-163 (XiVO 14.08): the users' conference (meetme) keys move from
-- phonefunckey to the function key templates. Data only. Run as a
-- superuser, as 14.07's updater ran the numbered scripts as postgres; here
-- inside the upgrade's one transaction.

DO $$
DECLARE
    speeddial  integer;
    conference integer;
    room       record;
    new_key    integer;
BEGIN
    SELECT id INTO STRICT speeddial FROM func_key_type WHERE name = 'speeddial';
    SELECT id INTO STRICT conference FROM func_key_destination_type WHERE name = 'conference';

    -- Keys whose conference room no longer exists have nowhere to go.
    DELETE FROM phonefunckey
     WHERE typeextenumbersright = 'meetme'
       AND typevalextenumbersright::integer NOT IN (SELECT id FROM meetmefeatures);

    -- One speed-dial key per conference room, in the order the table
    -- returns them (the ids of func_key follow that order).
    FOR room IN SELECT id FROM meetmefeatures LOOP
        INSERT INTO func_key (type_id, destination_type_id)
             VALUES (speeddial, conference)
          RETURNING id INTO STRICT new_key;
        INSERT INTO func_key_dest_conference (func_key_id, conference_id)
             VALUES (new_key, room.id);
    END LOOP;

    -- Each user's conference key goes to the user's private template, at the
    -- same position, with its label and supervision.
    INSERT INTO func_key_mapping (template_id, func_key_id, destination_type_id,
                                  label, position, blf)
    SELECT u.func_key_private_template_id, d.func_key_id, conference,
           k.label, k.fknum, k.supervision <> 0
      FROM phonefunckey k
      JOIN userfeatures u ON u.id = k.iduserfeatures
      JOIN func_key_dest_conference d
        ON d.conference_id = k.typevalextenumbersright::integer
     WHERE k.typeextenumbersright = 'meetme';

    DELETE FROM phonefunckey WHERE typeextenumbersright = 'meetme';
END
$$;
