-- XiVO 14.07 database `asterisk`, schema and default data at asterisk-190
-- (the oldest level xivo-manage-db 14.08 upgrades from; see asterisk-last).
--
-- Used to build test fixtures of the old two-database system. 14.07 ran it
-- as postgres (`su - postgres -c psql`) onto an empty database `asterisk`
-- owned by role asterisk: every object belongs to postgres and role asterisk
-- holds the grants at the end of this file (docs/1407-layout.md).
-- Then asterisk-191.sql and later bring it to the 14.08 merge point.

-- ---------------------------------------------------------------- enum types

CREATE TYPE generic_bsfilter AS ENUM ('no', 'boss', 'secretary');
CREATE TYPE trunk_protocol AS ENUM ('sip', 'iax', 'sccp', 'custom');
CREATE TYPE accessfeatures_feature AS ENUM ('phonebook');
CREATE TYPE callfilter_type AS ENUM ('bosssecretary');
CREATE TYPE callfilter_bosssecretary AS ENUM ('bossfirst-serial', 'bossfirst-simult', 'secretary-serial', 'secretary-simult', 'all');
CREATE TYPE callfilter_callfrom AS ENUM ('internal', 'external', 'all');
CREATE TYPE callfiltermember_type AS ENUM ('user');
CREATE TYPE contextnumbers_type AS ENUM ('user', 'group', 'queue', 'meetme', 'incall');
CREATE TYPE dialaction_event AS ENUM ('answer', 'noanswer', 'congestion', 'busy', 'chanunavail',
                                      'inschedule', 'outschedule', 'qwaittime', 'qwaitratio');
CREATE TYPE dialaction_category AS ENUM ('callfilter', 'group', 'incall', 'queue', 'schedule', 'user', 'outcall');
CREATE TYPE dialaction_action AS ENUM ('none', 'endcall:busy', 'endcall:congestion', 'endcall:hangup',
                                       'user', 'group', 'queue', 'meetme', 'voicemail', 'trunk',
                                       'schedule', 'voicemenu', 'extension', 'outcall',
                                       'application:callbackdisa', 'application:disa',
                                       'application:directory', 'application:faxtomail',
                                       'application:voicemailmain', 'application:password',
                                       'sound', 'custom');
CREATE TYPE extenumbers_type AS ENUM ('extenfeatures', 'featuremap', 'generalfeatures', 'group', 'incall',
                                      'meetme', 'outcall', 'queue', 'user', 'voicemenu');
CREATE TYPE queue_monitor_type AS ENUM ('no', 'mixmonitor');
CREATE TYPE queue_category AS ENUM ('group', 'queue');
CREATE TYPE queuemember_usertype AS ENUM ('agent', 'user');
CREATE TYPE rightcallmember_type AS ENUM ('user', 'group', 'incall', 'outcall');
CREATE TYPE schedule_time_mode AS ENUM ('opened', 'closed');
CREATE TYPE useriax_type AS ENUM ('friend', 'peer', 'user');
CREATE TYPE useriax_amaflags AS ENUM ('default', 'omit', 'billing', 'documentation');
CREATE TYPE useriax_category AS ENUM ('user', 'trunk');
CREATE TYPE usersip_insecure AS ENUM ('port', 'invite', 'port,invite');
CREATE TYPE usersip_nat AS ENUM ('no', 'force_rport', 'comedia', 'force_rport,comedia');
CREATE TYPE usersip_dtmfmode AS ENUM ('rfc2833', 'inband', 'info', 'auto');
CREATE TYPE usersip_progressinband AS ENUM ('no', 'yes', 'never');
CREATE TYPE usersip_directmedia AS ENUM ('no', 'yes', 'nonat', 'update', 'update,nonat');
CREATE TYPE userfeatures_voicemailtype AS ENUM ('asterisk', 'exchange');
CREATE TYPE voicemail_hidefromdir AS ENUM ('no', 'yes');
CREATE TYPE voicemail_passwordlocation AS ENUM ('spooldir', 'voicemail');
CREATE TYPE call_exit_type AS ENUM ('full', 'closed', 'joinempty', 'leaveempty', 'divert_ca_ratio',
                                    'divert_waittime', 'answered', 'abandoned', 'timeout');
CREATE TYPE pickup_category AS ENUM ('member', 'pickup');
CREATE TYPE pickup_membertype AS ENUM ('group', 'queue', 'user');


-- ------------------------------------------------------------------- tables

CREATE TABLE accessfeatures (
    id          SERIAL,
    host        VARCHAR(255) NOT NULL DEFAULT '',
    feature     accessfeatures_feature NOT NULL,
    commented   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX accessfeatures__uidx__host_feature ON accessfeatures (host, feature);


CREATE TABLE agentfeatures (
    id                      SERIAL,
    numgroup                INTEGER NOT NULL,
    firstname               VARCHAR(128) NOT NULL DEFAULT '',
    lastname                VARCHAR(128) NOT NULL DEFAULT '',
    number                  VARCHAR(40) NOT NULL,
    passwd                  VARCHAR(128) NOT NULL,
    context                 VARCHAR(39) NOT NULL,
    language                VARCHAR(20) NOT NULL,
    autologoff              INTEGER,
    "group"                 VARCHAR(255) DEFAULT NULL,
    description             TEXT NOT NULL,
    preprocess_subroutine   VARCHAR(40),
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX agentfeatures__uidx__number ON agentfeatures (number);


CREATE TABLE agentgroup (
    id          SERIAL,
    groupid     INTEGER NOT NULL,
    name        VARCHAR(128) NOT NULL DEFAULT '',
    groups      VARCHAR(255) NOT NULL DEFAULT '',
    commented   INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (id)
);


CREATE TABLE agentglobalparams (
    id              SERIAL,
    category        VARCHAR(128) NOT NULL,
    option_name     VARCHAR(255) NOT NULL,
    option_value    VARCHAR(255),
    PRIMARY KEY (id)
);


CREATE TABLE agent_login_status (
    agent_id        INTEGER PRIMARY KEY,
    agent_number    VARCHAR(40) NOT NULL,
    extension       VARCHAR(80) NOT NULL,
    context         VARCHAR(80) NOT NULL,
    interface       VARCHAR(128) NOT NULL UNIQUE,
    state_interface VARCHAR(128) NOT NULL,
    login_at        TIMESTAMP NOT NULL DEFAULT now(),
    UNIQUE (extension, context)
);


CREATE TABLE agent_membership_status (
    agent_id    INTEGER NOT NULL,
    queue_id    INTEGER NOT NULL,
    queue_name  VARCHAR(128) NOT NULL,
    penalty     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, queue_id)
);


CREATE TABLE callfilter (
    id              SERIAL,
    name            VARCHAR(128) NOT NULL DEFAULT '',
    type            callfilter_type NOT NULL,
    bosssecretary   callfilter_bosssecretary,
    callfrom        callfilter_callfrom,
    ringseconds     INTEGER NOT NULL DEFAULT 0,
    commented       INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX callfilter__uidx__name ON callfilter (name);


CREATE TABLE callfiltermember (
    id              SERIAL,
    callfilterid    INTEGER NOT NULL DEFAULT 0,
    type            callfiltermember_type NOT NULL,
    typeval         VARCHAR(128) NOT NULL DEFAULT '0',
    ringseconds     INTEGER NOT NULL DEFAULT 0,
    priority        INTEGER NOT NULL DEFAULT 0,
    bstype          generic_bsfilter CHECK (bstype IN ('boss', 'secretary')),
    active          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX callfiltermember__uidx__callfilterid_type_typeval ON callfiltermember (callfilterid, type, typeval);


CREATE TABLE call_log (
    id                          SERIAL PRIMARY KEY,
    date                        TIMESTAMP NOT NULL,
    source_name                 VARCHAR(255),
    source_exten                VARCHAR(255),
    source_line_identity        VARCHAR(255),
    destination_name            VARCHAR(255),
    destination_exten           VARCHAR(255),
    destination_line_identity   VARCHAR(255),
    duration                    INTERVAL NOT NULL,
    user_field                  VARCHAR(255),
    answered                    BOOLEAN
);


CREATE TABLE cel (
    id          SERIAL,
    eventtype   VARCHAR(30) NOT NULL,
    eventtime   TIMESTAMP NOT NULL,
    userdeftype VARCHAR(255) NOT NULL,
    cid_name    VARCHAR(80) NOT NULL,
    cid_num     VARCHAR(80) NOT NULL,
    cid_ani     VARCHAR(80) NOT NULL,
    cid_rdnis   VARCHAR(80) NOT NULL,
    cid_dnid    VARCHAR(80) NOT NULL,
    exten       VARCHAR(80) NOT NULL,
    context     VARCHAR(80) NOT NULL,
    channame    VARCHAR(80) NOT NULL,
    appname     VARCHAR(80) NOT NULL,
    appdata     VARCHAR(512) NOT NULL,
    amaflags    INTEGER NOT NULL,
    accountcode VARCHAR(20) NOT NULL,
    peeraccount VARCHAR(20) NOT NULL,
    uniqueid    VARCHAR(150) NOT NULL,
    linkedid    VARCHAR(150) NOT NULL,
    userfield   VARCHAR(255) NOT NULL,
    peer        VARCHAR(80) NOT NULL,
    call_log_id INTEGER DEFAULT NULL REFERENCES call_log (id) ON DELETE SET NULL,
    PRIMARY KEY (id)
);
CREATE INDEX cel__idx__uniqueid ON cel (uniqueid);
CREATE INDEX cel__idx__eventtime ON cel (eventtime);
CREATE INDEX cel__idx__call_log_id ON cel (call_log_id);


CREATE TABLE contexttype (
    id          SERIAL,
    name        VARCHAR(40) NOT NULL,
    commented   INTEGER,
    deletable   INTEGER,
    description TEXT,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX contexttype__uidx__name ON contexttype (name);


CREATE TABLE context (
    name        VARCHAR(39) NOT NULL,
    displayname VARCHAR(128) NOT NULL DEFAULT '',
    entity      VARCHAR(64),
    contexttype VARCHAR(40) NOT NULL DEFAULT 'internal',
    commented   INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,
    PRIMARY KEY (name)
);


CREATE TABLE contextinclude (
    context     VARCHAR(39) NOT NULL,
    include     VARCHAR(39) NOT NULL,
    priority    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (context, include)
);


CREATE TABLE contextmember (
    context VARCHAR(39) NOT NULL,
    type    VARCHAR(32) NOT NULL,
    typeval VARCHAR(128) NOT NULL DEFAULT '',
    varname VARCHAR(128) NOT NULL DEFAULT '',
    PRIMARY KEY (context, type, typeval, varname)
);
CREATE INDEX contextmember__idx__context_type ON contextmember (context, type);


CREATE TABLE contextnumbers (
    context     VARCHAR(39) NOT NULL,
    type        contextnumbers_type NOT NULL,
    numberbeg   VARCHAR(16) NOT NULL DEFAULT '',
    numberend   VARCHAR(16) NOT NULL DEFAULT '',
    didlength   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (context, type, numberbeg, numberend)
);


CREATE TABLE ctiphonehintsgroup (
    id          SERIAL,
    name        VARCHAR(255),
    description VARCHAR(255),
    deletable   INTEGER,
    PRIMARY KEY (id)
);


CREATE TABLE ctipresences (
    id          SERIAL,
    name        VARCHAR(255),
    description VARCHAR(255),
    deletable   INTEGER,
    PRIMARY KEY (id)
);


CREATE TABLE cti_service (
    id      SERIAL PRIMARY KEY,
    key     VARCHAR(255) NOT NULL
);


CREATE TABLE cti_preference (
    id      SERIAL PRIMARY KEY,
    option  VARCHAR(255) NOT NULL
);


CREATE TABLE cti_profile (
    id              SERIAL PRIMARY KEY,
    name            VARCHAR(255),
    presence_id     INTEGER REFERENCES ctipresences (id) ON DELETE RESTRICT,
    phonehints_id   INTEGER REFERENCES ctiphonehintsgroup (id) ON DELETE RESTRICT
);


CREATE TABLE cti_profile_preference (
    profile_id      INTEGER REFERENCES cti_profile (id) ON DELETE CASCADE,
    preference_id   INTEGER REFERENCES cti_preference (id) ON DELETE CASCADE,
    value           VARCHAR(255),
    PRIMARY KEY (profile_id, preference_id)
);


CREATE TABLE cti_profile_service (
    profile_id  INTEGER REFERENCES cti_profile (id) ON DELETE CASCADE,
    service_id  INTEGER REFERENCES cti_service (id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, service_id)
);


CREATE TABLE dialaction (
    event       dialaction_event NOT NULL,
    category    dialaction_category,
    categoryval VARCHAR(128) NOT NULL DEFAULT '',
    action      dialaction_action NOT NULL,
    actionarg1  VARCHAR(255) DEFAULT NULL,
    actionarg2  VARCHAR(255) DEFAULT NULL,
    linked      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event, category, categoryval)
);
CREATE INDEX dialaction__idx__action_actionarg1 ON dialaction (action, actionarg1);


CREATE TABLE extensions (
    id          SERIAL,
    commented   INTEGER NOT NULL DEFAULT 0,
    context     VARCHAR(39) NOT NULL DEFAULT '',
    exten       VARCHAR(40) NOT NULL DEFAULT '',
    type        extenumbers_type NOT NULL,
    typeval     VARCHAR(255) NOT NULL DEFAULT '',
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX extensions__uidx__exten_context ON extensions (exten, context);
CREATE INDEX extensions__idx__exten ON extensions (exten);
CREATE INDEX extensions__idx__context ON extensions (context);
CREATE INDEX extensions__idx__type ON extensions (type);
CREATE INDEX extensions__idx__typeval ON extensions (typeval);


CREATE TABLE features (
    id          SERIAL,
    cat_metric  INTEGER NOT NULL DEFAULT 0,
    var_metric  INTEGER NOT NULL DEFAULT 0,
    commented   INTEGER NOT NULL DEFAULT 0,
    filename    VARCHAR(128) NOT NULL,
    category    VARCHAR(128) NOT NULL,
    var_name    VARCHAR(128) NOT NULL,
    var_val     VARCHAR(255),
    PRIMARY KEY (id)
);
CREATE INDEX features__idx__category ON features (category);


CREATE TABLE func_key_template (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(128) NULL,
    private BOOLEAN NOT NULL DEFAULT FALSE
);


CREATE TABLE func_key_type (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(128) NOT NULL
);


CREATE TABLE func_key_destination_type (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(128) NOT NULL
);


CREATE TABLE func_key (
    id                  SERIAL NOT NULL,
    type_id             INTEGER NOT NULL REFERENCES func_key_type (id),
    destination_type_id INTEGER NOT NULL REFERENCES func_key_destination_type (id),
    PRIMARY KEY (id, destination_type_id)
);


CREATE TABLE func_key_mapping (
    template_id         INTEGER REFERENCES func_key_template (id),
    func_key_id         INTEGER NOT NULL,
    destination_type_id INTEGER NOT NULL,
    label               VARCHAR(128) NULL,
    position            INTEGER NOT NULL,
    blf                 BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (template_id, func_key_id),
    FOREIGN KEY (func_key_id, destination_type_id) REFERENCES func_key (id, destination_type_id),
    UNIQUE (template_id, position),
    CHECK (position > 0)
);


CREATE TABLE general (
    id                  SERIAL,
    timezone            VARCHAR(128),
    exchange_trunkid    INTEGER,
    exchange_exten      VARCHAR(128) DEFAULT NULL,
    dundi               INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);


CREATE TABLE groupfeatures (
    id                      SERIAL,
    name                    VARCHAR(128) NOT NULL,
    number                  VARCHAR(40) NOT NULL DEFAULT '',
    context                 VARCHAR(39) NOT NULL,
    transfer_user           INTEGER NOT NULL DEFAULT 0,
    transfer_call           INTEGER NOT NULL DEFAULT 0,
    write_caller            INTEGER NOT NULL DEFAULT 0,
    write_calling           INTEGER NOT NULL DEFAULT 0,
    timeout                 INTEGER NOT NULL DEFAULT 0,
    preprocess_subroutine   VARCHAR(39),
    deleted                 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE INDEX groupfeatures__idx__name ON groupfeatures (name);
CREATE INDEX groupfeatures__idx__number ON groupfeatures (number);
CREATE INDEX groupfeatures__idx__context ON groupfeatures (context);


CREATE TABLE func_key_dest_group (
    func_key_id         INTEGER NOT NULL,
    destination_type_id INTEGER NOT NULL DEFAULT 2 CHECK (destination_type_id = 2),
    group_id            INTEGER NOT NULL REFERENCES groupfeatures (id),
    PRIMARY KEY (func_key_id, destination_type_id, group_id),
    FOREIGN KEY (func_key_id, destination_type_id) REFERENCES func_key (id, destination_type_id)
);


CREATE TABLE incall (
    id                      SERIAL,
    exten                   VARCHAR(40) NOT NULL,
    context                 VARCHAR(39) NOT NULL,
    preprocess_subroutine   VARCHAR(39),
    commented               INTEGER NOT NULL DEFAULT 0,
    description             TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX incall__idx__exten ON incall (exten);
CREATE INDEX incall__idx__context ON incall (context);
CREATE UNIQUE INDEX incall__uidx__exten_context ON incall (exten, context);


CREATE TABLE linefeatures (
    id              SERIAL,
    protocol        trunk_protocol NOT NULL,
    protocolid      INTEGER NOT NULL,
    device          VARCHAR(32),
    configregistrar VARCHAR(128),
    name            VARCHAR(128) NOT NULL,
    number          VARCHAR(40),
    context         VARCHAR(39) NOT NULL,
    provisioningid  INTEGER NOT NULL,
    num             INTEGER DEFAULT 0,
    ipfrom          VARCHAR(15),
    commented       INTEGER NOT NULL DEFAULT 0,
    description     TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX linefeatures__idx__device ON linefeatures (device);
CREATE INDEX linefeatures__idx__number ON linefeatures (number);
CREATE INDEX linefeatures__idx__context ON linefeatures (context);
CREATE INDEX linefeatures__idx__provisioningid ON linefeatures (provisioningid);
CREATE UNIQUE INDEX linefeatures__uidx__name ON linefeatures (name);
CREATE UNIQUE INDEX linefeatures__uidx__protocol_protocolid ON linefeatures (protocol, protocolid);


CREATE TABLE musiconhold (
    id          SERIAL,
    cat_metric  INTEGER NOT NULL DEFAULT 0,
    var_metric  INTEGER NOT NULL DEFAULT 0,
    commented   INTEGER NOT NULL DEFAULT 0,
    filename    VARCHAR(128) NOT NULL,
    category    VARCHAR(128) NOT NULL,
    var_name    VARCHAR(128) NOT NULL,
    var_val     VARCHAR(128),
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX musiconhold__uidx__filename_category_var_name ON musiconhold (filename, category, var_name);


CREATE TABLE pickup (
    id          INTEGER NOT NULL,
    name        VARCHAR(128) UNIQUE NOT NULL,
    commented   INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    CONSTRAINT pickup_id_range CHECK (id >= 0 AND id <= 63)
);


CREATE TABLE pickupmember (
    pickupid    INTEGER NOT NULL REFERENCES pickup (id) ON DELETE CASCADE,
    category    pickup_category NOT NULL,
    membertype  pickup_membertype NOT NULL,
    memberid    INTEGER NOT NULL,
    PRIMARY KEY (pickupid, category, membertype, memberid)
);


CREATE TABLE queue (
    name                            VARCHAR(128) NOT NULL,
    musicclass                      VARCHAR(128),
    announce                        VARCHAR(128),
    context                         VARCHAR(39),
    timeout                         INTEGER DEFAULT 0,
    "monitor-type"                  queue_monitor_type,
    "monitor-format"                VARCHAR(128),
    "queue-youarenext"              VARCHAR(128),
    "queue-thereare"                VARCHAR(128),
    "queue-callswaiting"            VARCHAR(128),
    "queue-holdtime"                VARCHAR(128),
    "queue-minutes"                 VARCHAR(128),
    "queue-seconds"                 VARCHAR(128),
    "queue-thankyou"                VARCHAR(128),
    "queue-reporthold"              VARCHAR(128),
    "periodic-announce"             TEXT,
    "announce-frequency"            INTEGER,
    "periodic-announce-frequency"   INTEGER,
    "announce-round-seconds"        INTEGER,
    "announce-holdtime"             VARCHAR(4),
    retry                           INTEGER,
    wrapuptime                      INTEGER,
    maxlen                          INTEGER,
    servicelevel                    INTEGER,
    strategy                        VARCHAR(11),
    joinempty                       VARCHAR(255),
    leavewhenempty                  VARCHAR(255),
    eventmemberstatus               INTEGER NOT NULL DEFAULT 0,
    eventwhencalled                 INTEGER NOT NULL DEFAULT 0,
    ringinuse                       INTEGER NOT NULL DEFAULT 0,
    reportholdtime                  INTEGER NOT NULL DEFAULT 0,
    memberdelay                     INTEGER,
    weight                          INTEGER,
    timeoutrestart                  INTEGER NOT NULL DEFAULT 0,
    commented                       INTEGER NOT NULL DEFAULT 0,
    category                        queue_category NOT NULL,
    timeoutpriority                 VARCHAR(10) NOT NULL DEFAULT 'app',
    autofill                        INTEGER NOT NULL DEFAULT 1,
    autopause                       INTEGER NOT NULL DEFAULT 1,
    setinterfacevar                 INTEGER NOT NULL DEFAULT 0,
    setqueueentryvar                INTEGER NOT NULL DEFAULT 0,
    setqueuevar                     INTEGER NOT NULL DEFAULT 0,
    membermacro                     VARCHAR(1024),
    "min-announce-frequency"        INTEGER NOT NULL DEFAULT 60,
    "random-periodic-announce"      INTEGER NOT NULL DEFAULT 0,
    "announce-position"             VARCHAR(1024) NOT NULL DEFAULT 'yes',
    "announce-position-limit"       INTEGER NOT NULL DEFAULT 5,
    defaultrule                     VARCHAR(1024) DEFAULT NULL,
    PRIMARY KEY (name)
);
CREATE INDEX queue__idx__category ON queue (category);


CREATE TABLE queuefeatures (
    id                      SERIAL,
    name                    VARCHAR(128) NOT NULL,
    displayname             VARCHAR(128) NOT NULL,
    number                  VARCHAR(40) NOT NULL DEFAULT '',
    context                 VARCHAR(39),
    data_quality            INTEGER NOT NULL DEFAULT 0,
    hitting_callee          INTEGER NOT NULL DEFAULT 0,
    hitting_caller          INTEGER NOT NULL DEFAULT 0,
    retries                 INTEGER NOT NULL DEFAULT 0,
    ring                    INTEGER NOT NULL DEFAULT 0,
    transfer_user           INTEGER NOT NULL DEFAULT 0,
    transfer_call           INTEGER NOT NULL DEFAULT 0,
    write_caller            INTEGER NOT NULL DEFAULT 0,
    write_calling           INTEGER NOT NULL DEFAULT 0,
    url                     VARCHAR(255) NOT NULL DEFAULT '',
    announceoverride        VARCHAR(128) NOT NULL DEFAULT '',
    timeout                 INTEGER NOT NULL DEFAULT 0,
    preprocess_subroutine   VARCHAR(39),
    announce_holdtime       INTEGER NOT NULL DEFAULT 0,
    waittime                INTEGER,
    waitratio               DOUBLE PRECISION,
    PRIMARY KEY (id)
);
CREATE INDEX queuefeatures__idx__number ON queuefeatures (number);
CREATE INDEX queuefeatures__idx__context ON queuefeatures (context);
CREATE UNIQUE INDEX queuefeatures__uidx__name ON queuefeatures (name);


CREATE TABLE queuemember (
    queue_name  VARCHAR(128) NOT NULL,
    interface   VARCHAR(128) NOT NULL,
    penalty     INTEGER NOT NULL DEFAULT 0,
    commented   INTEGER NOT NULL DEFAULT 0,
    usertype    queuemember_usertype NOT NULL,
    userid      INTEGER NOT NULL,
    channel     VARCHAR(25) NOT NULL,
    category    queue_category NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_name, interface)
);
CREATE INDEX queuemember__idx__usertype ON queuemember (usertype);
CREATE INDEX queuemember__idx__userid ON queuemember (userid);
CREATE UNIQUE INDEX queuemember__uidx__queue_name_channel_usertype_userid_category
    ON queuemember (queue_name, channel, usertype, userid, category);


CREATE TABLE queue_log (
    "time"      VARCHAR(26) NOT NULL DEFAULT '',
    callid      VARCHAR(32) NOT NULL DEFAULT '',
    queuename   VARCHAR(50) NOT NULL DEFAULT '',
    agent       VARCHAR(50) NOT NULL DEFAULT '',
    event       VARCHAR(20) NOT NULL DEFAULT '',
    data1       VARCHAR(30) DEFAULT '',
    data2       VARCHAR(30) DEFAULT '',
    data3       VARCHAR(30) DEFAULT '',
    data4       VARCHAR(30) DEFAULT '',
    data5       VARCHAR(30) DEFAULT ''
);
CREATE INDEX queue_log__idx_time ON queue_log ("time");
CREATE INDEX queue_log__idx_event ON queue_log (event);


CREATE TABLE rightcall (
    id              SERIAL,
    name            VARCHAR(128) NOT NULL DEFAULT '',
    passwd          VARCHAR(40) NOT NULL DEFAULT '',
    "authorization" INTEGER NOT NULL DEFAULT 0,
    commented       INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX rightcall__uidx__name ON rightcall (name);


CREATE TABLE rightcallmember (
    id          SERIAL,
    rightcallid INTEGER NOT NULL DEFAULT 0 REFERENCES rightcall (id) ON DELETE CASCADE,
    type        rightcallmember_type NOT NULL,
    typeval     VARCHAR(128) NOT NULL DEFAULT '0',
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX rightcallmember__uidx__rightcallid_type_typeval ON rightcallmember (rightcallid, type, typeval);


CREATE TABLE schedule (
    id                  SERIAL,
    name                VARCHAR(255) NOT NULL DEFAULT '',
    timezone            VARCHAR(128) DEFAULT NULL,
    fallback_action     dialaction_action NOT NULL DEFAULT 'none',
    fallback_actionid   VARCHAR(255) DEFAULT NULL,
    fallback_actionargs VARCHAR(255) DEFAULT NULL,
    description         TEXT,
    commented           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);


CREATE TABLE schedule_time (
    id          SERIAL,
    schedule_id INTEGER REFERENCES schedule (id) ON DELETE CASCADE,
    mode        schedule_time_mode NOT NULL DEFAULT 'opened',
    hours       VARCHAR(512) DEFAULT NULL,
    weekdays    VARCHAR(512) DEFAULT NULL,
    monthdays   VARCHAR(512) DEFAULT NULL,
    months      VARCHAR(512) DEFAULT NULL,
    action      dialaction_action,
    actionid    VARCHAR(255) DEFAULT NULL,
    actionargs  VARCHAR(255) DEFAULT NULL,
    commented   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE INDEX schedule_time__idx__scheduleid_commented ON schedule_time (schedule_id, commented);


CREATE TABLE sccpgeneralsettings (
    id              SERIAL,
    option_name     VARCHAR(80) NOT NULL,
    option_value    VARCHAR(80) NOT NULL,
    PRIMARY KEY (id)
);


CREATE TABLE sccpline (
    id          SERIAL,
    name        VARCHAR(80) NOT NULL,
    context     VARCHAR(80) NOT NULL,
    cid_name    VARCHAR(80) NOT NULL,
    cid_num     VARCHAR(80) NOT NULL,
    disallow    VARCHAR(100),
    allow       TEXT,
    protocol    trunk_protocol NOT NULL DEFAULT 'sccp',
    commented   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);


CREATE TABLE sccpdevice (
    id          SERIAL,
    name        VARCHAR(80) NOT NULL,
    device      VARCHAR(80) NOT NULL,
    line        VARCHAR(80) NOT NULL DEFAULT '',
    voicemail   VARCHAR(80) NOT NULL DEFAULT '',
    PRIMARY KEY (id)
);


CREATE TABLE staticsip (
    id          SERIAL,
    cat_metric  INTEGER NOT NULL DEFAULT 0,
    var_metric  INTEGER NOT NULL DEFAULT 0,
    commented   INTEGER NOT NULL DEFAULT 0,
    filename    VARCHAR(128) NOT NULL,
    category    VARCHAR(128) NOT NULL,
    var_name    VARCHAR(128) NOT NULL,
    var_val     VARCHAR(255),
    PRIMARY KEY (id)
);
CREATE INDEX staticsip__idx__category ON staticsip (category);


CREATE TABLE stat_agent (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(128) NOT NULL
);
CREATE INDEX stat_agent__idx_name ON stat_agent (name);


CREATE TABLE stat_agent_periodic (
    id          SERIAL PRIMARY KEY,
    "time"      TIMESTAMP NOT NULL,
    login_time  INTERVAL NOT NULL DEFAULT '00:00:00',
    pause_time  INTERVAL NOT NULL DEFAULT '00:00:00',
    wrapup_time INTERVAL NOT NULL DEFAULT '00:00:00',
    agent_id    INTEGER REFERENCES stat_agent (id)
);
CREATE INDEX stat_agent_periodic__idx__time ON stat_agent_periodic ("time");
CREATE INDEX stat_agent_periodic__idx__agent_id ON stat_agent_periodic (agent_id);


CREATE TABLE stat_queue (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(128) NOT NULL
);
CREATE INDEX stat_queue__idx_name ON stat_queue (name);


CREATE TABLE stat_call_on_queue (
    id          SERIAL PRIMARY KEY,
    callid      VARCHAR(32) NOT NULL,
    "time"      TIMESTAMP NOT NULL,
    ringtime    INTEGER NOT NULL DEFAULT 0,
    talktime    INTEGER NOT NULL DEFAULT 0,
    waittime    INTEGER NOT NULL DEFAULT 0,
    status      call_exit_type NOT NULL,
    queue_id    INTEGER REFERENCES stat_queue (id),
    agent_id    INTEGER REFERENCES stat_agent (id)
);


CREATE TABLE stat_queue_periodic (
    id              SERIAL PRIMARY KEY,
    "time"          TIMESTAMP NOT NULL,
    answered        INTEGER NOT NULL DEFAULT 0,
    abandoned       INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    "full"          INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0,
    joinempty       INTEGER NOT NULL DEFAULT 0,
    leaveempty      INTEGER NOT NULL DEFAULT 0,
    divert_ca_ratio INTEGER NOT NULL DEFAULT 0,
    divert_waittime INTEGER NOT NULL DEFAULT 0,
    timeout         INTEGER NOT NULL DEFAULT 0,
    queue_id        INTEGER REFERENCES stat_queue (id)
);


CREATE TABLE trunkfeatures (
    id                  SERIAL,
    protocol            trunk_protocol NOT NULL,
    protocolid          INTEGER NOT NULL,
    registerid          INTEGER NOT NULL DEFAULT 0,
    registercommented   INTEGER NOT NULL DEFAULT 0,
    description         TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX trunkfeatures__idx__registerid ON trunkfeatures (registerid);
CREATE UNIQUE INDEX trunkfeatures__uidx__protocol_protocolid ON trunkfeatures (protocol, protocolid);


CREATE TABLE userfeatures (
    id                              SERIAL,
    firstname                       VARCHAR(128) NOT NULL DEFAULT '',
    lastname                        VARCHAR(128) NOT NULL DEFAULT '',
    voicemailtype                   userfeatures_voicemailtype,
    voicemailid                     INTEGER,
    agentid                         INTEGER,
    pictureid                       INTEGER,
    entityid                        INTEGER,
    callerid                        VARCHAR(160),
    ringseconds                     INTEGER NOT NULL DEFAULT 30,
    simultcalls                     INTEGER NOT NULL DEFAULT 5,
    enableclient                    INTEGER NOT NULL DEFAULT 1,
    loginclient                     VARCHAR(64) NOT NULL DEFAULT '',
    passwdclient                    VARCHAR(64) NOT NULL DEFAULT '',
    cti_profile_id                  INTEGER REFERENCES cti_profile (id) ON DELETE RESTRICT,
    enablehint                      INTEGER NOT NULL DEFAULT 1,
    enablevoicemail                 INTEGER NOT NULL DEFAULT 0,
    enablexfer                      INTEGER NOT NULL DEFAULT 1,
    enableautomon                   INTEGER NOT NULL DEFAULT 0,
    callrecord                      INTEGER NOT NULL DEFAULT 0,
    incallfilter                    INTEGER NOT NULL DEFAULT 0,
    enablednd                       INTEGER NOT NULL DEFAULT 0,
    enableunc                       INTEGER NOT NULL DEFAULT 0,
    destunc                         VARCHAR(128) NOT NULL DEFAULT '',
    enablerna                       INTEGER NOT NULL DEFAULT 0,
    destrna                         VARCHAR(128) NOT NULL DEFAULT '',
    enablebusy                      INTEGER NOT NULL DEFAULT 0,
    destbusy                        VARCHAR(128) NOT NULL DEFAULT '',
    musiconhold                     VARCHAR(128) NOT NULL DEFAULT '',
    outcallerid                     VARCHAR(80) NOT NULL DEFAULT '',
    mobilephonenumber               VARCHAR(128) NOT NULL DEFAULT '',
    userfield                       VARCHAR(128) NOT NULL DEFAULT '',
    bsfilter                        generic_bsfilter NOT NULL DEFAULT 'no',
    preprocess_subroutine           VARCHAR(39),
    timezone                        VARCHAR(128),
    language                        VARCHAR(20),
    ringintern                      VARCHAR(64),
    ringextern                      VARCHAR(64),
    ringgroup                       VARCHAR(64),
    ringforward                     VARCHAR(64),
    rightcallcode                   VARCHAR(16),
    commented                       INTEGER NOT NULL DEFAULT 0,
    description                     TEXT NOT NULL,
    func_key_template_id            INTEGER NULL REFERENCES func_key_template (id),
    func_key_private_template_id    INTEGER NOT NULL REFERENCES func_key_template (id) UNIQUE,
    PRIMARY KEY (id)
);
CREATE INDEX userfeatures__idx__firstname ON userfeatures (firstname);
CREATE INDEX userfeatures__idx__lastname ON userfeatures (lastname);
CREATE INDEX userfeatures__idx__voicemailid ON userfeatures (voicemailid);
CREATE INDEX userfeatures__idx__entityid ON userfeatures (entityid);
CREATE INDEX userfeatures__idx__agentid ON userfeatures (agentid);
CREATE INDEX userfeatures__idx__loginclient ON userfeatures (loginclient);
CREATE INDEX userfeatures__idx__musiconhold ON userfeatures (musiconhold);


CREATE TABLE func_key_dest_user (
    func_key_id         INTEGER NOT NULL,
    user_id             INTEGER NOT NULL REFERENCES userfeatures (id),
    destination_type_id INTEGER NOT NULL DEFAULT 1 CHECK (destination_type_id = 1),
    PRIMARY KEY (func_key_id, user_id, destination_type_id),
    FOREIGN KEY (func_key_id, destination_type_id) REFERENCES func_key (id, destination_type_id)
);


CREATE TABLE usersip (
    id                  SERIAL,
    name                VARCHAR(40) NOT NULL,
    type                useriax_type NOT NULL,
    username            VARCHAR(80),
    secret              VARCHAR(80) NOT NULL DEFAULT '',
    md5secret           VARCHAR(32) NOT NULL DEFAULT '',
    context             VARCHAR(39),
    language            VARCHAR(20),
    accountcode         VARCHAR(20),
    amaflags            useriax_amaflags NOT NULL DEFAULT 'default',
    allowtransfer       INTEGER,
    fromuser            VARCHAR(80),
    fromdomain          VARCHAR(255),
    mailbox             VARCHAR(80),
    subscribemwi        INTEGER NOT NULL DEFAULT 0,
    buggymwi            INTEGER,
    "call-limit"        INTEGER NOT NULL DEFAULT 0,
    callerid            VARCHAR(160),
    fullname            VARCHAR(80),
    cid_number          VARCHAR(80),
    maxcallbitrate      INTEGER,
    insecure            usersip_insecure,
    nat                 usersip_nat,
    promiscredir        INTEGER,
    usereqphone         INTEGER,
    trustrpid           INTEGER,
    sendrpid            VARCHAR(16),
    allowsubscribe      INTEGER,
    allowoverlap        INTEGER,
    dtmfmode            usersip_dtmfmode,
    rfc2833compensate   INTEGER,
    qualify             VARCHAR(4),
    disallow            VARCHAR(100),
    allow               TEXT,
    mohinterpret        VARCHAR(80),
    mohsuggest          VARCHAR(80),
    progressinband      usersip_progressinband,
    rtptimeout          INTEGER,
    rtpholdtimeout      INTEGER,
    deny                VARCHAR(31),
    permit              VARCHAR(31),
    defaultip           VARCHAR(255),
    setvar              VARCHAR(100) NOT NULL DEFAULT '',
    host                VARCHAR(255) NOT NULL DEFAULT 'dynamic',
    port                INTEGER,
    regexten            VARCHAR(80),
    subscribecontext    VARCHAR(80),
    fullcontact         VARCHAR(255),
    vmexten             VARCHAR(40),
    callingpres         INTEGER,
    ipaddr              VARCHAR(255) NOT NULL DEFAULT '',
    regseconds          INTEGER NOT NULL DEFAULT 0,
    regserver           VARCHAR(20),
    lastms              VARCHAR(15) NOT NULL DEFAULT '',
    parkinglot          INTEGER,
    protocol            trunk_protocol NOT NULL DEFAULT 'sip',
    category            useriax_category NOT NULL,
    outboundproxy       VARCHAR(1024),
    transport           VARCHAR(255) DEFAULT NULL,
    remotesecret        VARCHAR(255) DEFAULT NULL,
    directmedia         usersip_directmedia,
    callcounter         INTEGER,
    busylevel           INTEGER,
    qualifyfreq         INTEGER,
    use_q850_reason     INTEGER,
    encryption          INTEGER,
    commented           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE INDEX usersip__idx__mailbox ON usersip (mailbox);
CREATE INDEX usersip__idx__category ON usersip (category);
CREATE UNIQUE INDEX usersip__uidx__name ON usersip (name);


CREATE TABLE user_line (
    id              SERIAL,
    user_id         INTEGER,
    line_id         INTEGER NOT NULL,
    extension_id    INTEGER,
    main_user       BOOLEAN NOT NULL,
    main_line       BOOLEAN NOT NULL,
    CONSTRAINT user_line__userfeatures_id_fkey FOREIGN KEY (user_id) REFERENCES userfeatures (id),
    CONSTRAINT user_line__linefeatures_id_fkey FOREIGN KEY (line_id) REFERENCES linefeatures (id),
    CONSTRAINT user_line__extensions_id_fkey FOREIGN KEY (extension_id) REFERENCES extensions (id),
    PRIMARY KEY (id, line_id)
);
CREATE UNIQUE INDEX user_line__uidx__user_id_line_id ON user_line (user_id, line_id);


CREATE TABLE voicemail (
    uniqueid            SERIAL,
    context             VARCHAR(39) NOT NULL,
    mailbox             VARCHAR(40) NOT NULL,
    password            VARCHAR(80) NOT NULL DEFAULT '',
    fullname            VARCHAR(80) NOT NULL DEFAULT '',
    email               VARCHAR(80),
    pager               VARCHAR(80),
    dialout             VARCHAR(39),
    callback            VARCHAR(39),
    exitcontext         VARCHAR(39),
    language            VARCHAR(20),
    tz                  VARCHAR(80),
    attach              INTEGER,
    saycid              INTEGER,
    review              INTEGER,
    operator            INTEGER,
    envelope            INTEGER,
    sayduration         INTEGER,
    saydurationm        INTEGER,
    sendvoicemail       INTEGER,
    deletevoicemail     INTEGER NOT NULL DEFAULT 0,
    forcename           INTEGER,
    forcegreetings      INTEGER,
    hidefromdir         voicemail_hidefromdir NOT NULL DEFAULT 'no',
    maxmsg              INTEGER,
    emailsubject        VARCHAR(1024),
    emailbody           TEXT,
    locale              VARCHAR(1024),
    tempgreetwarn       INTEGER,
    messagewrap         INTEGER,
    moveheard           INTEGER,
    minsecs             INTEGER,
    maxsecs             INTEGER,
    nextaftercmd        INTEGER,
    backupdeleted       INTEGER,
    volgain             DOUBLE PRECISION,
    passwordlocation    voicemail_passwordlocation,
    commented           INTEGER NOT NULL DEFAULT 0,
    skipcheckpass       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uniqueid)
);
CREATE INDEX voicemail__idx__context ON voicemail (context);
CREATE UNIQUE INDEX voicemail__uidx__mailbox_context ON voicemail (mailbox, context);


-- ------------------------------------------------------- views and functions

CREATE VIEW user_line_summary AS
    SELECT user_line.id AS user_line_id,
           userfeatures.id AS user_id,
           userfeatures.firstname,
           userfeatures.lastname,
           linefeatures.id AS line_id,
           linefeatures.protocol,
           linefeatures.name AS line_name,
           linefeatures.number,
           linefeatures.context,
           user_line.main_user,
           user_line.main_line
      FROM user_line
      JOIN linefeatures ON linefeatures.id = user_line.line_id
      LEFT JOIN userfeatures ON userfeatures.id = user_line.user_id;


CREATE FUNCTION fill_simple_calls(period_start text, period_end text)
    RETURNS void AS
$$
    INSERT INTO stat_call_on_queue (callid, "time", queue_id, status)
    SELECT callid,
           CAST("time" AS TIMESTAMP),
           (SELECT id FROM stat_queue WHERE name = queuename),
           CASE WHEN event = 'FULL' THEN 'full'::call_exit_type
                WHEN event = 'DIVERT_CA_RATIO' THEN 'divert_ca_ratio'::call_exit_type
                WHEN event = 'DIVERT_HOLDTIME' THEN 'divert_waittime'::call_exit_type
                WHEN event = 'CLOSED' THEN 'closed'::call_exit_type
                WHEN event = 'JOINEMPTY' THEN 'joinempty'::call_exit_type
           END
      FROM queue_log
     WHERE event IN ('FULL', 'DIVERT_CA_RATIO', 'DIVERT_HOLDTIME', 'CLOSED', 'JOINEMPTY')
       AND "time" BETWEEN $1 AND $2;
$$
LANGUAGE SQL;


CREATE FUNCTION set_agent_on_pauseall()
    RETURNS trigger AS
$$
DECLARE
    agent_num text;
BEGIN
    SELECT agent_number INTO agent_num FROM agent_login_status WHERE interface = NEW.agent;
    IF FOUND THEN
        NEW.agent := 'Agent/' || agent_num;
    END IF;
    RETURN NEW;
END;
$$
LANGUAGE plpgsql;

CREATE TRIGGER change_queue_log_agent
    BEFORE INSERT ON queue_log
    FOR EACH ROW
    WHEN (NEW.event = 'PAUSEALL' OR NEW.event = 'UNPAUSEALL')
    EXECUTE PROCEDURE set_agent_on_pauseall();


-- ------------------------------------------------------------- default data

INSERT INTO agentgroup VALUES (DEFAULT, 1, 'default', '', 0, 0, '');

INSERT INTO agentglobalparams (category, option_name, option_value) VALUES
    ('general', 'multiplelogin', 'no'),
    ('general', 'persistentagents', 'yes'),
    ('agents', 'autologoffunavail', 'no'),
    ('agents', 'maxlogintries', '3'),
    ('agents', 'endcall', 'no');

INSERT INTO contexttype (name, commented, deletable, description) VALUES
    ('internal', 0, 0, ''),
    ('incall', 0, 0, ''),
    ('outcall', 0, 0, ''),
    ('services', 0, 0, ''),
    ('others', 0, 0, '');

INSERT INTO context (name, displayname, entity, contexttype, commented, description) VALUES
    ('__switchboard_directory', 'Switchboard', NULL, 'others', 0, ''),
    ('xivo-features', 'Features', NULL, 'services', 0, ''),
    ('default', 'Default', NULL, 'internal', 0, '');

INSERT INTO contextinclude (context, include, priority) VALUES ('default', 'xivo-features', 0);

INSERT INTO ctiphonehintsgroup VALUES (DEFAULT, 'xivo', 'De base non supprimable', 0);
INSERT INTO ctipresences VALUES (DEFAULT, 'xivo', 'De base non supprimable', 0);

INSERT INTO cti_service (key) VALUES
    ('enablevm'), ('callrecord'), ('incallfilter'), ('enablednd'),
    ('fwdunc'), ('fwdbusy'), ('fwdrna');

INSERT INTO cti_preference (option) VALUES
    ('loginwindow.url'),
    ('xlet.identity.logagent'),
    ('xlet.identity.pauseagent'),
    ('xlet.agentdetails.noqueueaction'),
    ('xlet.agentdetails.hideastid'),
    ('xlet.agentdetails.hidecontext'),
    ('xlet.agents.fontname'),
    ('xlet.agents.fontsize'),
    ('xlet.agents.iconsize'),
    ('xlet.queues.statsfetchperiod'),
    ('presence.autochangestate');

INSERT INTO cti_profile (name, presence_id, phonehints_id) VALUES
    ('Supervisor', 1, 1),
    ('Agent', 1, 1),
    ('Client', 1, 1),
    ('Switchboard', 1, 1);

INSERT INTO cti_profile_service (profile_id, service_id)
    SELECT cti_profile.id, cti_service.id
      FROM cti_profile, cti_service
     WHERE cti_profile.name IN ('Supervisor', 'Agent', 'Client')
     ORDER BY cti_profile.id, cti_service.id;

INSERT INTO cti_profile_preference (profile_id, preference_id, value)
    SELECT cti_profile.id, cti_preference.id, '1'
      FROM cti_profile, cti_preference
     WHERE cti_profile.name IN ('Agent', 'Supervisor')
       AND cti_preference.option IN ('xlet.identity.logagent', 'xlet.identity.pauseagent')
     ORDER BY cti_profile.id, cti_preference.id;

INSERT INTO extensions (commented, context, exten, type, typeval) VALUES
    (0, 'xivo-features', '_*31.', 'extenfeatures', 'agentstaticlogin'),
    (0, 'xivo-features', '_*32.', 'extenfeatures', 'agentstaticlogoff'),
    (0, 'xivo-features', '_*30.', 'extenfeatures', 'agentstaticlogtoggle'),
    (0, 'xivo-features', '_*37.', 'extenfeatures', 'bsfilter'),
    (1, 'xivo-features', '*26', 'extenfeatures', 'callrecord'),
    (0, 'xivo-features', '*36', 'extenfeatures', 'directoryaccess'),
    (0, 'xivo-features', '*25', 'extenfeatures', 'enablednd'),
    (0, 'xivo-features', '*90', 'extenfeatures', 'enablevm'),
    (0, 'xivo-features', '_*23.', 'extenfeatures', 'fwdbusy'),
    (0, 'xivo-features', '_*22.', 'extenfeatures', 'fwdrna'),
    (0, 'xivo-features', '_*21.', 'extenfeatures', 'fwdunc'),
    (0, 'xivo-features', '*20', 'extenfeatures', 'fwdundoall'),
    (0, 'xivo-features', '*48378', 'extenfeatures', 'autoprov'),
    (0, 'xivo-features', '*27', 'extenfeatures', 'incallfilter'),
    (0, 'xivo-features', '*10', 'extenfeatures', 'phonestatus'),
    (0, 'xivo-features', '_*8.', 'extenfeatures', 'pickup'),
    (0, 'xivo-features', '*98', 'extenfeatures', 'vmusermsg'),
    (0, 'xivo-features', '_*11.', 'extenfeatures', 'paging');

INSERT INTO features (cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
    (0, 0, 0, 'features.conf', 'general', 'parkext', '700'),
    (0, 0, 0, 'features.conf', 'general', 'parkpos', '701-750'),
    (0, 0, 0, 'features.conf', 'general', 'context', 'parkedcalls'),
    (0, 0, 1, 'features.conf', 'general', 'parkingtime', '45'),
    (0, 0, 1, 'features.conf', 'general', 'comebacktoorigin', 'yes'),
    (0, 0, 1, 'features.conf', 'general', 'parkedmusicclass', 'default'),
    (0, 0, 1, 'features.conf', 'general', 'transferdigittimeout', '5'),
    (0, 0, 1, 'features.conf', 'general', 'featuredigittimeout', '1500'),
    (1, 0, 0, 'features.conf', 'featuremap', 'blindxfer', '*1'),
    (1, 0, 0, 'features.conf', 'featuremap', 'disconnect', '*0'),
    (1, 0, 0, 'features.conf', 'featuremap', 'automon', '*3'),
    (1, 0, 0, 'features.conf', 'featuremap', 'atxfer', '*2');

INSERT INTO func_key_type (name) VALUES ('speeddial');
INSERT INTO func_key_destination_type (id, name) VALUES (1, 'user'), (2, 'group');

INSERT INTO general VALUES (DEFAULT, 'Europe/Paris', NULL, NULL, 0);

INSERT INTO musiconhold (cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
    (0, 0, 0, 'musiconhold.conf', 'default', 'mode', 'files'),
    (0, 0, 1, 'musiconhold.conf', 'default', 'application', ''),
    (0, 0, 0, 'musiconhold.conf', 'default', 'random', 'no'),
    (0, 0, 0, 'musiconhold.conf', 'default', 'directory', '/var/lib/xivo/moh/default');

INSERT INTO sccpgeneralsettings (option_name, option_value) VALUES
    ('directmedia', 'no'),
    ('dialtimeout', '5'),
    ('keepalive', '10'),
    ('language', 'en_US'),
    ('allow', '');

INSERT INTO staticsip (cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
    (0, 0, 0, 'sip.conf', 'general', 'bindport', '5060'),
    (0, 0, 0, 'sip.conf', 'general', 'autocreatepeer', 'persist'),
    (0, 0, 0, 'sip.conf', 'general', 'autocreate_context', 'xivo-initconfig'),
    (0, 0, 0, 'sip.conf', 'general', 'allowguest', 'no'),
    (0, 0, 0, 'sip.conf', 'general', 'allowsubscribe', 'yes'),
    (0, 0, 0, 'sip.conf', 'general', 'realm', 'xivo'),
    (0, 0, 0, 'sip.conf', 'general', 'useragent', 'XiVO PBX'),
    (0, 0, 0, 'sip.conf', 'general', 'callevents', 'yes'),
    (0, 0, 0, 'sip.conf', 'general', 'minexpiry', '60'),
    (0, 0, 0, 'sip.conf', 'general', 'maxexpiry', '3600'),
    (0, 0, 0, 'sip.conf', 'general', 'defaultexpiry', '120'),
    (0, 0, 0, 'sip.conf', 'general', 'nat', 'no'),
    (0, 0, 0, 'sip.conf', 'general', 'dtmfmode', 'rfc2833'),
    (0, 0, 0, 'sip.conf', 'general', 'language', 'en_US'),
    (0, 0, 0, 'sip.conf', 'general', 'vmexten', '*98'),
    (0, 0, 0, 'sip.conf', 'general', 'transport', 'udp');

-- 14.07 created everything above as postgres; the daemons connect as
-- asterisk, which gets its rights here.
GRANT ALL ON ALL TABLES IN SCHEMA public TO asterisk;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO asterisk;
