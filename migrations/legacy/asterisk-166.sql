-- asterisk-166 (XiVO 14.08): the 14.07 `asterisk` schema aligned with the
-- one a fresh 14.08 install creates. Run as a superuser, as 14.07's updater
-- ran the numbered scripts as postgres; here inside the upgrade's one
-- transaction, before the objects of `xivo` come in.

-- 1. Tables 14.08 no longer has (and whatever depends on them).
DROP TABLE IF EXISTS operator, operator_destination, operator_trunk,
                     outcalldundipeer, parkinglot, voicemenu CASCADE;

-- 2. accessfeatures.feature and serverfeatures.feature: from a one-value
-- enum to a checked string, now the last column; every row gets
-- 'phonebook', the only value the enum allowed.
ALTER TABLE accessfeatures DROP COLUMN feature;
ALTER TABLE accessfeatures
    ADD COLUMN feature varchar(64) NOT NULL DEFAULT 'phonebook'
        CONSTRAINT accessfeatures_feature_check CHECK (feature = 'phonebook'),
    ADD CONSTRAINT accessfeatures_host_feature_key UNIQUE (host, feature);
DROP TYPE accessfeatures_feature;

ALTER TABLE serverfeatures DROP COLUMN feature;
ALTER TABLE serverfeatures
    ADD COLUMN feature varchar(64) NOT NULL DEFAULT 'phonebook'
        CONSTRAINT serverfeatures_feature_check CHECK (feature = 'phonebook'),
    ADD CONSTRAINT serverfeatures_serverid_feature_type_key UNIQUE (serverid, feature, type);
DROP TYPE serverfeatures_feature;

-- 3. Unique indexes become unique constraints (named as PostgreSQL names
-- them); a few plain indexes go.
DROP INDEX IF EXISTS agentfeatures__uidx__number,
                     attachment__uidx__object_type__object_id,
                     callfilter__uidx__name,
                     callfiltermember__uidx__callfilterid_type_typeval,
                     contexttype__uidx__name,
                     ctistatus_presence_name,
                     dialpattern__idx__type_typeid,
                     extensions__uidx__exten_context,
                     incall__uidx__exten_context,
                     ldapfilter__uidx__name,
                     linefeatures__uidx__name,
                     linefeatures__uidx__protocol_protocolid,
                     meetmefeatures__uidx__meetmeid,
                     meetmefeatures__uidx__name,
                     musiconhold__uidx__filename_category_var_name,
                     outcall__uidx__name,
                     paging__uidx__number,
                     queuefeatures__uidx__name,
                     queuemember__uidx__queue_name_channel_usertype_userid_category,
                     queueskill__idx__catid,
                     queueskill__uidx__name,
                     queueskillcat__uidx__name,
                     rightcall__uidx__name,
                     rightcallexten__uidx__rightcallid_exten,
                     rightcallmember__uidx__rightcallid_type_typeval,
                     trunkfeatures__uidx__protocol_protocolid,
                     user_line_extension__uidx__user_id_line_id,
                     usercustom__uidx__interface_intfsuffix_category,
                     useriax__uidx__name,
                     usersip__uidx__name,
                     voicemail__uidx__mailbox_context;
ALTER TABLE record_campaign DROP CONSTRAINT IF EXISTS campaign_name_u;

ALTER TABLE agentfeatures ADD CONSTRAINT agentfeatures_number_key UNIQUE (number);
ALTER TABLE attachment
    ADD CONSTRAINT attachment_pkey PRIMARY KEY (id),
    ADD CONSTRAINT attachment_object_type_object_id_key UNIQUE (object_type, object_id);
ALTER TABLE callfilter ADD CONSTRAINT callfilter_name_key UNIQUE (name);
ALTER TABLE callfiltermember
    ADD CONSTRAINT callfiltermember_callfilterid_type_typeval_key UNIQUE (callfilterid, type, typeval);
ALTER TABLE contexttype ADD CONSTRAINT contexttype_name_key UNIQUE (name);
ALTER TABLE ctistatus ADD CONSTRAINT ctistatus_presence_id_name_key UNIQUE (presence_id, name);
ALTER TABLE extensions ADD CONSTRAINT extensions_exten_context_key UNIQUE (exten, context);
ALTER TABLE incall ADD CONSTRAINT incall_exten_context_key UNIQUE (exten, context);
ALTER TABLE ldapfilter ADD CONSTRAINT ldapfilter_name_key UNIQUE (name);
ALTER TABLE linefeatures
    ADD CONSTRAINT linefeatures_protocol_protocolid_key UNIQUE (protocol, protocolid),
    ADD CONSTRAINT linefeatures_name_key UNIQUE (name);
ALTER TABLE meetmefeatures
    ADD CONSTRAINT meetmefeatures_meetmeid_key UNIQUE (meetmeid),
    ADD CONSTRAINT meetmefeatures_name_key UNIQUE (name);
ALTER TABLE musiconhold
    ADD CONSTRAINT musiconhold_filename_category_var_name_key UNIQUE (filename, category, var_name);
ALTER TABLE outcall ADD CONSTRAINT outcall_name_key UNIQUE (name);
ALTER TABLE paging ADD CONSTRAINT paging_number_key UNIQUE (number);
ALTER TABLE queuefeatures ADD CONSTRAINT queuefeatures_name_key UNIQUE (name);
ALTER TABLE queuemember
    ADD CONSTRAINT queuemember_queue_name_channel_usertype_userid_category_key
        UNIQUE (queue_name, channel, usertype, userid, category);
ALTER TABLE queueskill ADD CONSTRAINT queueskill_name_key UNIQUE (name);
ALTER TABLE queueskillcat ADD CONSTRAINT queueskillcat_name_key UNIQUE (name);
ALTER TABLE record_campaign
    ADD CONSTRAINT record_campaign_campaign_name_key UNIQUE (campaign_name);
ALTER TABLE rightcall ADD CONSTRAINT rightcall_name_key UNIQUE (name);
ALTER TABLE rightcallexten
    ADD CONSTRAINT rightcallexten_rightcallid_exten_key UNIQUE (rightcallid, exten);
ALTER TABLE rightcallmember
    ADD CONSTRAINT rightcallmember_rightcallid_type_typeval_key UNIQUE (rightcallid, type, typeval);
ALTER TABLE trunkfeatures
    ADD CONSTRAINT trunkfeatures_protocol_protocolid_key UNIQUE (protocol, protocolid);
ALTER TABLE usercustom
    ADD CONSTRAINT usercustom_interface_intfsuffix_category_key UNIQUE (interface, intfsuffix, category);
ALTER TABLE useriax ADD CONSTRAINT useriax_name_key UNIQUE (name);
ALTER TABLE usersip ADD CONSTRAINT usersip_name_key UNIQUE (name);
ALTER TABLE voicemail ADD CONSTRAINT voicemail_mailbox_context_key UNIQUE (mailbox, context);

-- func_key_mapping's key no longer includes the position.
ALTER TABLE func_key_mapping
    DROP CONSTRAINT func_key_mapping_pkey,
    ADD CONSTRAINT func_key_mapping_pkey
        PRIMARY KEY (template_id, func_key_id, destination_type_id);

-- user_line: its foreign keys under PostgreSQL's names, one line per user.
ALTER TABLE user_line
    DROP CONSTRAINT user_line__extensions_id_fkey,
    DROP CONSTRAINT user_line__linefeatures_id_fkey,
    DROP CONSTRAINT user_line__userfeatures_id_fkey,
    ADD CONSTRAINT user_line_extension_id_fkey FOREIGN KEY (extension_id) REFERENCES extensions (id),
    ADD CONSTRAINT user_line_line_id_fkey FOREIGN KEY (line_id) REFERENCES linefeatures (id),
    ADD CONSTRAINT user_line_user_id_fkey FOREIGN KEY (user_id) REFERENCES userfeatures (id),
    ADD CONSTRAINT user_line_user_id_line_id_key UNIQUE (user_id, line_id);

-- 4. Defaults and NOT NULLs.
ALTER TABLE agentfeatures ALTER COLUMN "group" DROP DEFAULT;
ALTER TABLE agentgroup ALTER COLUMN description DROP NOT NULL;
ALTER TABLE callfiltermember
    ALTER COLUMN typeval SET DEFAULT '0',
    ALTER COLUMN bstype SET NOT NULL;
ALTER TABLE cti_profile ALTER COLUMN name SET NOT NULL;
ALTER TABLE cticontexts ALTER COLUMN description DROP NOT NULL;
ALTER TABLE ctidisplays ALTER COLUMN description DROP NOT NULL;
ALTER TABLE ctiphonehintsgroup ALTER COLUMN name SET NOT NULL;
ALTER TABLE ctipresences ALTER COLUMN name SET NOT NULL;
ALTER TABLE ctistatus ALTER COLUMN name SET NOT NULL;
ALTER TABLE dialaction
    ALTER COLUMN actionarg1 DROP DEFAULT,
    ALTER COLUMN actionarg2 DROP DEFAULT;
ALTER TABLE general ALTER COLUMN exchange_exten DROP DEFAULT;
ALTER TABLE outcall ALTER COLUMN description DROP NOT NULL;
ALTER TABLE pickup
    ALTER COLUMN description DROP DEFAULT,
    ALTER COLUMN description DROP NOT NULL;
ALTER TABLE queue ALTER COLUMN defaultrule DROP DEFAULT;
ALTER TABLE rightcall ALTER COLUMN description DROP NOT NULL;
ALTER TABLE rightcallmember ALTER COLUMN typeval SET DEFAULT '0';
ALTER TABLE schedule
    ALTER COLUMN timezone DROP DEFAULT,
    ALTER COLUMN fallback_actionid DROP DEFAULT,
    ALTER COLUMN fallback_actionargs DROP DEFAULT;
ALTER TABLE schedule_time
    ALTER COLUMN hours DROP DEFAULT,
    ALTER COLUMN weekdays DROP DEFAULT,
    ALTER COLUMN monthdays DROP DEFAULT,
    ALTER COLUMN months DROP DEFAULT,
    ALTER COLUMN actionid DROP DEFAULT,
    ALTER COLUMN actionargs DROP DEFAULT;
ALTER TABLE trunkfeatures ALTER COLUMN description DROP NOT NULL;
ALTER TABLE usersip
    ALTER COLUMN transport DROP DEFAULT,
    ALTER COLUMN remotesecret DROP DEFAULT,
    ALTER COLUMN callbackextension DROP DEFAULT,
    ALTER COLUMN contactpermit DROP DEFAULT,
    ALTER COLUMN contactdeny DROP DEFAULT,
    ALTER COLUMN unsolicited_mailbox DROP DEFAULT,
    ALTER COLUMN disallowed_methods DROP DEFAULT;

-- 5. queue_log gets its key: the table's one rewrite (it may hold millions
-- of rows). Skipped when the column is there already: an administrator who
-- followed the 14.08 upgrade notes, or `xivo-manage-db queue-log prepare`.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = 'queue_log'::regclass AND attname = 'id'
                      AND attnum > 0 AND NOT attisdropped) THEN
        ALTER TABLE queue_log ADD COLUMN id SERIAL PRIMARY KEY;
        -- 14.07 granted to role asterisk; here, to the database's owner role
        -- (the same role unless DB_OWNER names another).
        EXECUTE format('GRANT ALL ON SEQUENCE queue_log_id_seq TO %I',
                       (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                         WHERE datname = pg_catalog.current_database()));
    END IF;
END
$$;
