-- Realistic content for a 14.07 `asterisk` database (datastorage/asterisk.sql
-- at asterisk-190): a PBX of 300 users with lines, extensions, voicemail and
-- speed-dial keys, 50 agents in 10 queues, and months of call-center history.
-- Run as role asterisk with psql -v queue_log_rows=N (200,000 and more).
-- Deterministic (no random()): two runs give the same checksums.

\set ON_ERROR_STOP 1
BEGIN;

INSERT INTO context (name, displayname, entity, contexttype, commented, description) VALUES
    ('from-extern', 'Incalls', 'xivo-entity', 'incall', 0, ''),
    ('to-extern', 'Outcalls', 'xivo-entity', 'outcall', 0, ''),
    ('sales', 'Sales', 'xivo-entity', 'internal', 0, 'sales floor');
INSERT INTO contextnumbers (context, type, numberbeg, numberend, didlength) VALUES
    ('default', 'user', '1000', '1999', 0),
    ('default', 'queue', '3000', '3099', 0),
    ('from-extern', 'incall', '0123450000', '0123459999', 4);

-- One private function-key template per user, plus a shared one.
INSERT INTO func_key_template (name, private)
    SELECT NULL, TRUE FROM generate_series(1, 300);
INSERT INTO func_key_template (name, private) VALUES ('sales keys', FALSE);

INSERT INTO voicemail (context, mailbox, password, fullname, email, language, attach, deletevoicemail)
    SELECT 'default', (1000 + i)::text, lpad((i * 7919 % 10000)::text, 4, '0'),
           'User ' || i, 'user' || i || '@example.com', 'fr_FR', 1, 0
      FROM generate_series(1, 100) AS i;

INSERT INTO userfeatures (firstname, lastname, voicemailtype, voicemailid, entityid, callerid,
                          loginclient, passwdclient, cti_profile_id, enableclient, musiconhold,
                          mobilephonenumber, language, description, func_key_template_id,
                          func_key_private_template_id)
    SELECT 'First' || i, 'Last' || i,
           CASE WHEN i <= 100 THEN 'asterisk'::userfeatures_voicemailtype END,
           CASE WHEN i <= 100 THEN i END,
           1, '"First' || i || ' Last' || i || '" <' || (1000 + i) || '>',
           'user' || i, 'pw' || (i * 31 % 997), 1 + i % 4, i % 2, 'default',
           '06' || lpad((i * 104729 % 100000000)::text, 8, '0'), 'fr_FR', '',
           CASE WHEN i % 3 = 0 THEN 301 END, i
      FROM generate_series(1, 300) AS i;

INSERT INTO usersip (name, type, username, secret, context, language, host, category, protocol, callerid)
    SELECT 'line' || lpad(i::text, 4, '0'), 'friend', 'line' || i, 'sec' || (i * 7 % 1000),
           'default', 'fr_FR', 'dynamic', 'user', 'sip', '"First' || i || '" <' || (1000 + i) || '>'
      FROM generate_series(1, 300) AS i;

INSERT INTO linefeatures (protocol, protocolid, device, configregistrar, name, number, context,
                          provisioningid, num, description)
    SELECT 'sip', i, md5('device' || i)::varchar(32), 'default', 'line' || lpad(i::text, 4, '0'),
           (1000 + i)::text, 'default', 100000 + i, 1, ''
      FROM generate_series(1, 300) AS i;

INSERT INTO extensions (commented, context, exten, type, typeval)
    SELECT 0, 'default', (1000 + i)::text, 'user', i::text FROM generate_series(1, 300) AS i;

INSERT INTO user_line (user_id, line_id, extension_id, main_user, main_line)
    SELECT i, i, (SELECT id FROM extensions WHERE context = 'default' AND exten = (1000 + i)::text),
           TRUE, TRUE
      FROM generate_series(1, 300) AS i;

INSERT INTO agentfeatures (numgroup, firstname, lastname, number, passwd, context, language, description)
    SELECT 1, 'Agent' || i, 'Smith', (2000 + i)::text, '', 'default', 'fr_FR', ''
      FROM generate_series(1, 50) AS i;

INSERT INTO queuefeatures (name, displayname, number, context, timeout, waittime, waitratio)
    SELECT 'queue' || i, 'Queue ' || i, (3000 + i)::text, 'default', 30, 120, 0.5
      FROM generate_series(1, 10) AS i;
INSERT INTO extensions (commented, context, exten, type, typeval)
    SELECT 0, 'default', (3000 + i)::text, 'queue', i::text FROM generate_series(1, 10) AS i;
INSERT INTO queuemember (queue_name, interface, penalty, usertype, userid, channel, category, position)
    SELECT 'queue' || (1 + a % 10), 'Agent/' || (2000 + a), a % 3, 'agent', a, 'Agent', 'queue', 1 + a / 10
      FROM generate_series(1, 50) AS a;

-- Speed-dial function keys: 200 keys pointing to users, in the users' templates.
INSERT INTO func_key (type_id, destination_type_id) SELECT 1, 1 FROM generate_series(1, 200);
INSERT INTO func_key_dest_user (func_key_id, user_id, destination_type_id)
    SELECT k, 1 + (k * 37) % 300, 1 FROM generate_series(1, 200) AS k;
INSERT INTO func_key_mapping (template_id, func_key_id, destination_type_id, label, position, blf)
    SELECT 1 + k % 300, k, 1, 'key ' || k, 1 + k / 300, k % 2 = 0 FROM generate_series(1, 200) AS k;

-- Call-center statistics and history.
INSERT INTO stat_agent (name) SELECT 'Agent/' || (2000 + i) FROM generate_series(1, 50) AS i;
INSERT INTO stat_queue (name) SELECT 'queue' || i FROM generate_series(1, 10) AS i;
INSERT INTO stat_call_on_queue (callid, "time", ringtime, talktime, waittime, status, queue_id, agent_id)
    SELECT '1404' || lpad(i::text, 8, '0') || '.' || (i % 97),
           timestamp '2014-03-01' + i * interval '4 minutes', i % 20, i % 600, i % 90,
           (ARRAY['answered', 'abandoned', 'timeout', 'full'])[1 + i % 4]::call_exit_type,
           1 + i % 10, CASE WHEN i % 4 = 0 THEN 1 + i % 50 END
      FROM generate_series(1, 20000) AS i;
INSERT INTO stat_queue_periodic ("time", answered, abandoned, total, "full", closed, joinempty,
                                 leaveempty, divert_ca_ratio, divert_waittime, timeout, queue_id)
    SELECT timestamp '2014-03-01' + (i / 10) * interval '1 hour', i % 40, i % 7, i % 40 + i % 7,
           0, 0, i % 2, 0, 0, 0, i % 3, 1 + i % 10
      FROM generate_series(0, 4999) AS i;
INSERT INTO stat_agent_periodic ("time", login_time, pause_time, wrapup_time, agent_id)
    SELECT timestamp '2014-03-01' + (i / 50) * interval '1 hour', interval '45 minutes',
           (i % 10) * interval '1 minute', (i % 5) * interval '1 minute', 1 + i % 50
      FROM generate_series(0, 4999) AS i;

INSERT INTO call_log (date, source_name, source_exten, source_line_identity, destination_name,
                      destination_exten, destination_line_identity, duration, user_field, answered)
    SELECT timestamp '2014-03-01' + i * interval '4 minutes', 'First' || (1 + i % 300),
           (1001 + i % 300)::text, 'sip/line' || lpad((1 + i % 300)::text, 4, '0'),
           'Callee ' || (i % 1000), '0' || (600000000 + i * 7)::text, '',
           (i % 900) * interval '1 second', '', i % 5 <> 0
      FROM generate_series(1, 20000) AS i;
INSERT INTO cel (eventtype, eventtime, userdeftype, cid_name, cid_num, cid_ani, cid_rdnis, cid_dnid,
                 exten, context, channame, appname, appdata, amaflags, accountcode, peeraccount,
                 uniqueid, linkedid, userfield, peer, call_log_id)
    SELECT (ARRAY['CHAN_START', 'ANSWER', 'HANGUP'])[1 + i % 3],
           timestamp '2014-03-01' + (i / 3) * interval '80 seconds', '',
           'First' || (1 + i % 300), (1001 + i % 300)::text, (1001 + i % 300)::text, '', '',
           's', 'default', 'SIP/line' || lpad((1 + i % 300)::text, 4, '0') || '-' || lpad(to_hex(i), 8, '0'),
           'Dial', 'SIP/trunk', 3, '', '', '1393632000.' || (i / 3), '1393632000.' || (i / 3), '', '',
           CASE WHEN i / 3 BETWEEN 1 AND 20000 THEN i / 3 END
      FROM generate_series(0, 59999) AS i;

-- queue_log as asterisk writes it: time as text, one row per queue event.
INSERT INTO queue_log ("time", callid, queuename, agent, event, data1, data2, data3, data4, data5)
    SELECT to_char(timestamp '2014-01-01' + i * interval '13 seconds', 'YYYY-MM-DD HH24:MI:SS.US'),
           '1388534400.' || (i / 4), 'queue' || (1 + (i / 4) % 10),
           CASE WHEN i % 4 IN (2, 3) THEN 'Agent/' || (2001 + (i / 4) % 50) ELSE 'NONE' END,
           (ARRAY['ENTERQUEUE', 'CONNECT', 'COMPLETEAGENT', 'AGENTLOGIN'])[1 + i % 4],
           CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN ((i / 4) % 60)::text ELSE ((i / 4) % 300)::text END,
           CASE i % 4 WHEN 0 THEN '0612345678' WHEN 1 THEN '1388534400.' || (i / 4) ELSE ((i / 4) % 600)::text END,
           CASE WHEN i % 4 = 0 THEN '1' ELSE '' END, '', ''
      FROM generate_series(0, :queue_log_rows - 1) AS i;

COMMIT;
