-- revision: 52bd5977c09d
-- down_revision: None
-- message: XiVO 14.08 database asterisk: schema and default rows

-- Written by scripts/make-baseline from the schema and rows of a host that
-- XiVO 14.08 upgraded from 14.07 (tests/fixtures/xivo-real/), as they stood
-- before revisions 108164f6117e and 146ddf6c4b36; do not edit by hand.
-- Run by the migration engine in one transaction as role asterisk, which
-- owns everything created here.

SET LOCAL check_function_bodies = false;





CREATE TYPE public.call_exit_type AS ENUM (
    'full',
    'closed',
    'joinempty',
    'leaveempty',
    'divert_ca_ratio',
    'divert_waittime',
    'answered',
    'abandoned',
    'timeout'
);

CREATE TYPE public.callerid_mode AS ENUM (
    'prepend',
    'overwrite',
    'append'
);

CREATE TYPE public.callerid_type AS ENUM (
    'callfilter',
    'incall',
    'group',
    'queue'
);

CREATE TYPE public.callfilter_bosssecretary AS ENUM (
    'bossfirst-serial',
    'bossfirst-simult',
    'secretary-serial',
    'secretary-simult',
    'all'
);

CREATE TYPE public.callfilter_callfrom AS ENUM (
    'internal',
    'external',
    'all'
);

CREATE TYPE public.callfilter_type AS ENUM (
    'bosssecretary'
);

CREATE TYPE public.callfiltermember_type AS ENUM (
    'user'
);

CREATE TYPE public.contextnumbers_type AS ENUM (
    'user',
    'group',
    'queue',
    'meetme',
    'incall'
);

CREATE TYPE public.dialaction_action AS ENUM (
    'none',
    'endcall:busy',
    'endcall:congestion',
    'endcall:hangup',
    'user',
    'group',
    'queue',
    'meetme',
    'voicemail',
    'trunk',
    'schedule',
    'voicemenu',
    'extension',
    'outcall',
    'application:callbackdisa',
    'application:disa',
    'application:directory',
    'application:faxtomail',
    'application:voicemailmain',
    'application:password',
    'sound',
    'custom'
);

CREATE TYPE public.dialaction_category AS ENUM (
    'callfilter',
    'group',
    'incall',
    'queue',
    'schedule',
    'user',
    'outcall'
);

CREATE TYPE public.dialaction_event AS ENUM (
    'answer',
    'noanswer',
    'congestion',
    'busy',
    'chanunavail',
    'inschedule',
    'outschedule',
    'qwaittime',
    'qwaitratio'
);

CREATE TYPE public.extenumbers_type AS ENUM (
    'extenfeatures',
    'featuremap',
    'generalfeatures',
    'group',
    'incall',
    'meetme',
    'outcall',
    'queue',
    'user',
    'voicemenu'
);

CREATE TYPE public.generic_bsfilter AS ENUM (
    'no',
    'boss',
    'secretary'
);

CREATE TYPE public.ldapfilter_additionaltype AS ENUM (
    'office',
    'home',
    'mobile',
    'fax',
    'other',
    'custom'
);

CREATE TYPE public.ldapserver_protocolversion AS ENUM (
    '2',
    '3'
);

CREATE TYPE public.ldapserver_securitylayer AS ENUM (
    'tls',
    'ssl'
);

CREATE TYPE public.meetmefeatures_admin_identification AS ENUM (
    'calleridnum',
    'pin',
    'all'
);

CREATE TYPE public.meetmefeatures_admin_typefrom AS ENUM (
    'none',
    'internal',
    'external',
    'undefined'
);

CREATE TYPE public.meetmefeatures_announcejoinleave AS ENUM (
    'no',
    'yes',
    'noreview'
);

CREATE TYPE public.meetmefeatures_mode AS ENUM (
    'listen',
    'talk',
    'all'
);

CREATE TYPE public.netiface_family AS ENUM (
    'inet',
    'inet6'
);

CREATE TYPE public.netiface_method AS ENUM (
    'static',
    'dhcp',
    'manual'
);

CREATE TYPE public.netiface_networktype AS ENUM (
    'data',
    'voip'
);

CREATE TYPE public.netiface_type AS ENUM (
    'iface'
);

CREATE TYPE public.phonebook_title AS ENUM (
    'mr',
    'mrs',
    'ms'
);

CREATE TYPE public.phonebookaddress_type AS ENUM (
    'home',
    'office',
    'other'
);

CREATE TYPE public.phonebooknumber_type AS ENUM (
    'home',
    'office',
    'mobile',
    'fax',
    'other'
);

CREATE TYPE public.phonefunckey_typeextenumbers AS ENUM (
    'extenfeatures',
    'featuremap',
    'generalfeatures'
);

CREATE TYPE public.phonefunckey_typeextenumbersright AS ENUM (
    'agent',
    'group',
    'meetme',
    'queue',
    'user',
    'paging'
);

CREATE TYPE public.pickup_category AS ENUM (
    'member',
    'pickup'
);

CREATE TYPE public.pickup_membertype AS ENUM (
    'group',
    'queue',
    'user'
);

CREATE TYPE public.queue_category AS ENUM (
    'group',
    'queue'
);

CREATE TYPE public.queue_monitor_type AS ENUM (
    'no',
    'mixmonitor'
);

CREATE TYPE public.queue_statistics AS (
	received_call_count bigint,
	answered_call_count bigint,
	answered_call_in_qos_count bigint,
	abandonned_call_count bigint,
	received_and_done bigint,
	max_hold_time integer,
	mean_hold_time integer
);

CREATE TYPE public.queuemember_usertype AS ENUM (
    'agent',
    'user'
);

CREATE TYPE public.queuepenaltychange_sign AS ENUM (
    '=',
    '+',
    '-'
);

CREATE TYPE public.rightcallmember_type AS ENUM (
    'user',
    'group',
    'incall',
    'outcall'
);

CREATE TYPE public.schedule_path_type AS ENUM (
    'user',
    'group',
    'queue',
    'incall',
    'outcall',
    'voicemenu'
);

CREATE TYPE public.schedule_time_mode AS ENUM (
    'opened',
    'closed'
);

CREATE TYPE public.serverfeatures_type AS ENUM (
    'xivo',
    'ldap'
);

CREATE TYPE public.sipauthentication_secretmode AS ENUM (
    'md5',
    'clear'
);

CREATE TYPE public.trunk_protocol AS ENUM (
    'sip',
    'iax',
    'sccp',
    'custom'
);

CREATE TYPE public.user_meta AS ENUM (
    'user',
    'admin',
    'root'
);

CREATE TYPE public.usercustom_category AS ENUM (
    'user',
    'trunk'
);

CREATE TYPE public.userfeatures_voicemailtype AS ENUM (
    'asterisk',
    'exchange'
);

CREATE TYPE public.useriax_amaflags AS ENUM (
    'default',
    'omit',
    'billing',
    'documentation'
);

CREATE TYPE public.useriax_auth AS ENUM (
    'plaintext',
    'md5',
    'rsa',
    'plaintext,md5',
    'plaintext,rsa',
    'md5,rsa',
    'plaintext,md5,rsa'
);

CREATE TYPE public.useriax_category AS ENUM (
    'user',
    'trunk'
);

CREATE TYPE public.useriax_codecpriority AS ENUM (
    'disabled',
    'host',
    'caller',
    'reqonly'
);

CREATE TYPE public.useriax_encryption AS ENUM (
    'no',
    'yes',
    'aes128'
);

CREATE TYPE public.useriax_protocol AS ENUM (
    'iax'
);

CREATE TYPE public.useriax_transfer AS ENUM (
    'no',
    'yes',
    'mediaonly'
);

CREATE TYPE public.useriax_type AS ENUM (
    'friend',
    'peer',
    'user'
);

CREATE TYPE public.usersip_directmedia AS ENUM (
    'no',
    'yes',
    'nonat',
    'update',
    'update,nonat'
);

CREATE TYPE public.usersip_dtmfmode AS ENUM (
    'rfc2833',
    'inband',
    'info',
    'auto'
);

CREATE TYPE public.usersip_insecure AS ENUM (
    'port',
    'invite',
    'port,invite'
);

CREATE TYPE public.usersip_nat AS ENUM (
    'no',
    'force_rport',
    'comedia',
    'force_rport,comedia'
);

CREATE TYPE public.usersip_progressinband AS ENUM (
    'no',
    'yes',
    'never'
);

CREATE TYPE public.usersip_protocol AS ENUM (
    'sip'
);

CREATE TYPE public.usersip_session_refresher AS ENUM (
    'uac',
    'uas'
);

CREATE TYPE public.usersip_session_timers AS ENUM (
    'originate',
    'accept',
    'refuse'
);

CREATE TYPE public.usersip_videosupport AS ENUM (
    'no',
    'yes',
    'always'
);

CREATE TYPE public.voicemail_hidefromdir AS ENUM (
    'no',
    'yes'
);

CREATE TYPE public.voicemail_passwordlocation AS ENUM (
    'spooldir',
    'voicemail'
);

CREATE FUNCTION public.fill_answered_calls(period_start text, period_end text) RETURNS void
    LANGUAGE sql
    AS $_$
  INSERT INTO stat_call_on_queue (callid, "time", talktime, waittime, queue_id, agent_id, status)
  SELECT
    outer_queue_log.callid,
    CAST ((SELECT "time"
           FROM queue_log
           WHERE callid=outer_queue_log.callid AND
                 queuename=outer_queue_log.queuename AND
                 event='ENTERQUEUE' ORDER BY "time" DESC LIMIT 1) AS TIMESTAMP) AS "time",
    CASE WHEN event IN ('COMPLETEAGENT', 'COMPLETECALLER') THEN CAST (data2 AS INTEGER)
         WHEN event = 'TRANSFER' THEN CAST (data4 AS INTEGER) END as talktime,
    CASE WHEN event IN ('COMPLETEAGENT', 'COMPLETECALLER') THEN CAST (data1 AS INTEGER)
         WHEN event = 'TRANSFER' THEN CAST (data3 AS INTEGER) END as waittime,
    stat_queue.id AS queue_id,
    stat_agent.id AS agent_id,
    'answered' AS status
  FROM
    queue_log as outer_queue_log
  LEFT JOIN
    stat_agent ON outer_queue_log.agent = stat_agent.name
  LEFT JOIN
    stat_queue ON outer_queue_log.queuename = stat_queue.name
  WHERE
    callid IN
      (SELECT callid
       FROM queue_log
       WHERE event = 'ENTERQUEUE' AND "time" BETWEEN $1 AND $2)
    AND event IN ('COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER');
$_$;

CREATE FUNCTION public.fill_leaveempty_calls(period_start text, period_end text) RETURNS void
    LANGUAGE sql
    AS $_$
INSERT INTO stat_call_on_queue (callid, time, waittime, queue_id, status)
SELECT
  callid,
  enter_time as time,
  EXTRACT(EPOCH FROM (leave_time - enter_time))::INTEGER as waittime,
  queue_id,
  'leaveempty' AS status
FROM (SELECT
        CAST (time AS TIMESTAMP) AS enter_time,
        (select CAST (time AS TIMESTAMP) from queue_log where callid=main.callid AND event='LEAVEEMPTY' LIMIT 1) AS leave_time,
        callid,
        (SELECT id FROM stat_queue WHERE name=queuename) AS queue_id
      FROM queue_log AS main
      WHERE callid IN (SELECT callid FROM queue_log WHERE event = 'LEAVEEMPTY')
            AND event = 'ENTERQUEUE'
            AND time BETWEEN $1 AND $2) AS first;
$_$;

CREATE FUNCTION public.fill_simple_calls(period_start text, period_end text) RETURNS void
    LANGUAGE sql
    AS $_$
  INSERT INTO "stat_call_on_queue" (callid, "time", queue_id, status)
    SELECT
      callid,
      CAST ("time" AS TIMESTAMP) as "time",
      (SELECT id FROM stat_queue WHERE name=queuename) as queue_id,
      CASE WHEN event = 'FULL' THEN 'full'::call_exit_type
           WHEN event = 'DIVERT_CA_RATIO' THEN 'divert_ca_ratio'
           WHEN event = 'DIVERT_HOLDTIME' THEN 'divert_waittime'
           WHEN event = 'CLOSED' THEN 'closed'
           WHEN event = 'JOINEMPTY' THEN 'joinempty'
      END as status
    FROM queue_log
    WHERE event IN ('FULL', 'DIVERT_CA_RATIO', 'DIVERT_HOLDTIME', 'CLOSED', 'JOINEMPTY') AND
          "time" BETWEEN $1 AND $2;
$_$;

CREATE FUNCTION public.get_queue_statistics(queue_name text, in_window integer, xqos integer) RETURNS public.queue_statistics
    LANGUAGE sql
    AS $_$
    SELECT
        -- received_call_count
        count(*),
        -- answered_call_count
        count(case when call_picker <> '' then 1 end),
        -- answered_call_in_qos_count
        count(case when call_picker <> '' and hold_time < $3 then 1 end),
        -- abandonned_call_count
        count(case when hold_time is not null and (call_picker = '' or call_picker is null) then 1 end),
        -- received_and_done
        count(hold_time),
        -- max_hold_time
        max(hold_time),
         -- mean_hold_time
        cast (round(avg(hold_time)) as int)
    FROM
        queue_info
    WHERE
        queue_name = $1 and call_time_t > $2;
$_$;

CREATE FUNCTION public.set_agent_on_pauseall() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    "number" text;
BEGIN
    SELECT "agent_number" INTO "number" FROM "agent_login_status" WHERE "interface" = NEW."agent";
    IF FOUND THEN
        NEW."agent" := 'Agent/' || "number";
    END IF;

    RETURN NEW;
END;
$$;

CREATE TABLE public.accessfeatures (
    id integer NOT NULL,
    host character varying(255) DEFAULT ''::character varying NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    feature character varying(64) DEFAULT 'phonebook'::character varying NOT NULL,
    CONSTRAINT accessfeatures_feature_check CHECK (((feature)::text = 'phonebook'::text))
);

CREATE SEQUENCE public.accessfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.accessfeatures_id_seq OWNED BY public.accessfeatures.id;

CREATE TABLE public.accesswebservice (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    login character varying(64),
    passwd character varying(64),
    host character varying(255),
    obj text NOT NULL,
    disable integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.accesswebservice_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.accesswebservice_id_seq OWNED BY public.accesswebservice.id;

CREATE TABLE public.agent_login_status (
    agent_id integer NOT NULL,
    agent_number character varying(40) NOT NULL,
    extension character varying(80) NOT NULL,
    context character varying(80) NOT NULL,
    interface character varying(128) NOT NULL,
    state_interface character varying(128) NOT NULL,
    login_at timestamp without time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.agent_membership_status (
    agent_id integer NOT NULL,
    queue_id integer NOT NULL,
    queue_name character varying(128) NOT NULL,
    penalty integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.agentfeatures (
    id integer NOT NULL,
    numgroup integer NOT NULL,
    firstname character varying(128) DEFAULT ''::character varying NOT NULL,
    lastname character varying(128) DEFAULT ''::character varying NOT NULL,
    number character varying(40) NOT NULL,
    passwd character varying(128) NOT NULL,
    context character varying(39) NOT NULL,
    language character varying(20) NOT NULL,
    autologoff integer,
    "group" character varying(255),
    description text NOT NULL,
    preprocess_subroutine character varying(40)
);

CREATE SEQUENCE public.agentfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.agentfeatures_id_seq OWNED BY public.agentfeatures.id;

CREATE TABLE public.agentglobalparams (
    id integer NOT NULL,
    category character varying(128) NOT NULL,
    option_name character varying(255) NOT NULL,
    option_value character varying(255)
);

CREATE SEQUENCE public.agentglobalparams_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.agentglobalparams_id_seq OWNED BY public.agentglobalparams.id;

CREATE TABLE public.agentgroup (
    id integer NOT NULL,
    groupid integer NOT NULL,
    name character varying(128) DEFAULT ''::character varying NOT NULL,
    groups character varying(255) DEFAULT ''::character varying NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    deleted integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.agentgroup_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.agentgroup_id_seq OWNED BY public.agentgroup.id;

CREATE TABLE public.agentqueueskill (
    agentid integer NOT NULL,
    skillid integer NOT NULL,
    weight integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.attachment (
    id integer NOT NULL,
    name character varying(64) NOT NULL,
    object_type character varying(16) NOT NULL,
    object_id integer NOT NULL,
    file bytea,
    size integer NOT NULL,
    mime character varying(64) NOT NULL
);

CREATE SEQUENCE public.attachment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.attachment_id_seq OWNED BY public.attachment.id;

CREATE TABLE public.call_log (
    id integer NOT NULL,
    date timestamp without time zone NOT NULL,
    source_name character varying(255),
    source_exten character varying(255),
    source_line_identity character varying(255),
    destination_name character varying(255),
    destination_exten character varying(255),
    destination_line_identity character varying(255),
    duration interval NOT NULL,
    user_field character varying(255),
    answered boolean
);

CREATE SEQUENCE public.call_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.call_log_id_seq OWNED BY public.call_log.id;

CREATE TABLE public.callerid (
    mode public.callerid_mode,
    callerdisplay character varying(80) DEFAULT ''::character varying NOT NULL,
    type public.callerid_type NOT NULL,
    typeval integer NOT NULL
);

CREATE TABLE public.callfilter (
    id integer NOT NULL,
    name character varying(128) DEFAULT ''::character varying NOT NULL,
    type public.callfilter_type NOT NULL,
    bosssecretary public.callfilter_bosssecretary,
    callfrom public.callfilter_callfrom,
    ringseconds integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.callfilter_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.callfilter_id_seq OWNED BY public.callfilter.id;

CREATE TABLE public.callfiltermember (
    id integer NOT NULL,
    callfilterid integer DEFAULT 0 NOT NULL,
    type public.callfiltermember_type NOT NULL,
    typeval character varying(128) DEFAULT '0'::character varying NOT NULL,
    ringseconds integer DEFAULT 0 NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    bstype public.generic_bsfilter NOT NULL,
    active integer DEFAULT 0 NOT NULL,
    CONSTRAINT callfiltermember_bstype_check CHECK ((bstype = ANY (ARRAY['boss'::public.generic_bsfilter, 'secretary'::public.generic_bsfilter])))
);

CREATE SEQUENCE public.callfiltermember_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.callfiltermember_id_seq OWNED BY public.callfiltermember.id;

CREATE TABLE public.cel (
    id integer NOT NULL,
    eventtype character varying(30) NOT NULL,
    eventtime timestamp without time zone NOT NULL,
    userdeftype character varying(255) NOT NULL,
    cid_name character varying(80) NOT NULL,
    cid_num character varying(80) NOT NULL,
    cid_ani character varying(80) NOT NULL,
    cid_rdnis character varying(80) NOT NULL,
    cid_dnid character varying(80) NOT NULL,
    exten character varying(80) NOT NULL,
    context character varying(80) NOT NULL,
    channame character varying(80) NOT NULL,
    appname character varying(80) NOT NULL,
    appdata character varying(512) NOT NULL,
    amaflags integer NOT NULL,
    accountcode character varying(20) NOT NULL,
    peeraccount character varying(20) NOT NULL,
    uniqueid character varying(150) NOT NULL,
    linkedid character varying(150) NOT NULL,
    userfield character varying(255) NOT NULL,
    peer character varying(80) NOT NULL,
    call_log_id integer
);

CREATE SEQUENCE public.cel_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cel_id_seq OWNED BY public.cel.id;

CREATE TABLE public.context (
    name character varying(39) NOT NULL,
    displayname character varying(128) DEFAULT ''::character varying NOT NULL,
    entity character varying(64),
    contexttype character varying(40) DEFAULT 'internal'::character varying NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE TABLE public.contextinclude (
    context character varying(39) NOT NULL,
    include character varying(39) NOT NULL,
    priority integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.contextmember (
    context character varying(39) NOT NULL,
    type character varying(32) NOT NULL,
    typeval character varying(128) DEFAULT ''::character varying NOT NULL,
    varname character varying(128) DEFAULT ''::character varying NOT NULL
);

CREATE TABLE public.contextnumbers (
    context character varying(39) NOT NULL,
    type public.contextnumbers_type NOT NULL,
    numberbeg character varying(16) DEFAULT ''::character varying NOT NULL,
    numberend character varying(16) DEFAULT ''::character varying NOT NULL,
    didlength integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.contexttype (
    id integer NOT NULL,
    name character varying(40) NOT NULL,
    commented integer,
    deletable integer,
    description text
);

CREATE SEQUENCE public.contexttype_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.contexttype_id_seq OWNED BY public.contexttype.id;

CREATE TABLE public.cti_preference (
    id integer NOT NULL,
    option character varying(255) NOT NULL
);

CREATE SEQUENCE public.cti_preference_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cti_preference_id_seq OWNED BY public.cti_preference.id;

CREATE TABLE public.cti_profile (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    presence_id integer,
    phonehints_id integer
);

CREATE SEQUENCE public.cti_profile_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cti_profile_id_seq OWNED BY public.cti_profile.id;

CREATE TABLE public.cti_profile_preference (
    profile_id integer NOT NULL,
    preference_id integer NOT NULL,
    value character varying(255)
);

CREATE TABLE public.cti_profile_service (
    profile_id integer NOT NULL,
    service_id integer NOT NULL
);

CREATE TABLE public.cti_profile_xlet (
    xlet_id integer NOT NULL,
    profile_id integer NOT NULL,
    layout_id integer,
    closable boolean DEFAULT true,
    movable boolean DEFAULT true,
    floating boolean DEFAULT true,
    scrollable boolean DEFAULT true,
    "order" integer
);

CREATE TABLE public.cti_service (
    id integer NOT NULL,
    key character varying(255) NOT NULL
);

CREATE SEQUENCE public.cti_service_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cti_service_id_seq OWNED BY public.cti_service.id;

CREATE TABLE public.cti_xlet (
    id integer NOT NULL,
    plugin_name character varying(40) NOT NULL
);

CREATE SEQUENCE public.cti_xlet_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cti_xlet_id_seq OWNED BY public.cti_xlet.id;

CREATE TABLE public.cti_xlet_layout (
    id integer NOT NULL,
    name character varying(255) NOT NULL
);

CREATE SEQUENCE public.cti_xlet_layout_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cti_xlet_layout_id_seq OWNED BY public.cti_xlet_layout.id;

CREATE TABLE public.cticontexts (
    id integer NOT NULL,
    name character varying(50),
    directories text NOT NULL,
    display text NOT NULL,
    description text,
    deletable integer
);

CREATE SEQUENCE public.cticontexts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.cticontexts_id_seq OWNED BY public.cticontexts.id;

CREATE TABLE public.ctidirectories (
    id integer NOT NULL,
    name character varying(255),
    uri character varying(255),
    delimiter character varying(20),
    match_direct text NOT NULL,
    match_reverse text NOT NULL,
    description character varying(255),
    deletable integer
);

CREATE SEQUENCE public.ctidirectories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctidirectories_id_seq OWNED BY public.ctidirectories.id;

CREATE TABLE public.ctidirectoryfields (
    dir_id integer NOT NULL,
    fieldname character varying(255) NOT NULL,
    value character varying(255)
);

CREATE TABLE public.ctidisplays (
    id integer NOT NULL,
    name character varying(50),
    data text NOT NULL,
    deletable integer,
    description text
);

CREATE SEQUENCE public.ctidisplays_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctidisplays_id_seq OWNED BY public.ctidisplays.id;

CREATE TABLE public.ctilog (
    id integer NOT NULL,
    eventdate timestamp without time zone,
    loginclient character varying(64),
    company character varying(64),
    status character varying(64),
    action character varying(64),
    arguments character varying(255),
    callduration integer
);

CREATE SEQUENCE public.ctilog_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctilog_id_seq OWNED BY public.ctilog.id;

CREATE TABLE public.ctimain (
    id integer NOT NULL,
    commandset character varying(20),
    ami_ip character varying(16),
    ami_port integer,
    ami_login character varying(64),
    ami_password character varying(64),
    cti_ip character varying(16),
    cti_port integer,
    cti_active integer DEFAULT 1 NOT NULL,
    ctis_ip character varying(16),
    ctis_port integer,
    ctis_active integer DEFAULT 1 NOT NULL,
    webi_ip character varying(16),
    webi_port integer,
    webi_active integer DEFAULT 1 NOT NULL,
    info_ip character varying(16),
    info_port integer,
    info_active integer DEFAULT 1 NOT NULL,
    tlscertfile character varying(128),
    tlsprivkeyfile character varying(128),
    socket_timeout integer,
    login_timeout integer,
    context_separation integer,
    live_reload_conf integer
);

CREATE SEQUENCE public.ctimain_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctimain_id_seq OWNED BY public.ctimain.id;

CREATE TABLE public.ctiphonehints (
    id integer NOT NULL,
    idgroup integer,
    number character varying(8),
    name character varying(255),
    color character varying(128)
);

CREATE SEQUENCE public.ctiphonehints_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctiphonehints_id_seq OWNED BY public.ctiphonehints.id;

CREATE TABLE public.ctiphonehintsgroup (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    description character varying(255),
    deletable integer
);

CREATE SEQUENCE public.ctiphonehintsgroup_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctiphonehintsgroup_id_seq OWNED BY public.ctiphonehintsgroup.id;

CREATE TABLE public.ctipresences (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    description character varying(255),
    deletable integer
);

CREATE SEQUENCE public.ctipresences_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctipresences_id_seq OWNED BY public.ctipresences.id;

CREATE TABLE public.ctireversedirectories (
    id integer NOT NULL,
    directories text NOT NULL
);

CREATE SEQUENCE public.ctireversedirectories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctireversedirectories_id_seq OWNED BY public.ctireversedirectories.id;

CREATE TABLE public.ctisheetactions (
    id integer NOT NULL,
    name character varying(50),
    description text NOT NULL,
    whom character varying(50),
    sheet_info text,
    systray_info text,
    sheet_qtui text,
    action_info text,
    focus integer,
    deletable integer,
    disable integer
);

CREATE SEQUENCE public.ctisheetactions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctisheetactions_id_seq OWNED BY public.ctisheetactions.id;

CREATE TABLE public.ctisheetevents (
    id integer NOT NULL,
    incomingdid character varying(50),
    hangup character varying(50),
    dial character varying(50),
    link character varying(50),
    unlink character varying(50)
);

CREATE SEQUENCE public.ctisheetevents_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctisheetevents_id_seq OWNED BY public.ctisheetevents.id;

CREATE TABLE public.ctistatus (
    id integer NOT NULL,
    presence_id integer,
    name character varying(255) NOT NULL,
    display_name character varying(255),
    actions character varying(255),
    color character varying(20),
    access_status character varying(255),
    deletable integer
);

CREATE SEQUENCE public.ctistatus_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ctistatus_id_seq OWNED BY public.ctistatus.id;

CREATE TABLE public.dhcp (
    id integer NOT NULL,
    active integer DEFAULT 0 NOT NULL,
    pool_start character varying(64) DEFAULT ''::character varying NOT NULL,
    pool_end character varying(64) DEFAULT ''::character varying NOT NULL,
    extra_ifaces character varying(255) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.dhcp_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.dhcp_id_seq OWNED BY public.dhcp.id;

CREATE TABLE public.dialaction (
    event public.dialaction_event NOT NULL,
    category public.dialaction_category NOT NULL,
    categoryval character varying(128) DEFAULT ''::character varying NOT NULL,
    action public.dialaction_action NOT NULL,
    actionarg1 character varying(255),
    actionarg2 character varying(255),
    linked integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.dialpattern (
    id integer NOT NULL,
    type character varying(32) NOT NULL,
    typeid integer NOT NULL,
    externprefix character varying(64),
    prefix character varying(32),
    exten character varying(40) NOT NULL,
    stripnum integer,
    callerid character varying(80)
);

CREATE SEQUENCE public.dialpattern_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.dialpattern_id_seq OWNED BY public.dialpattern.id;

CREATE TABLE public.directories (
    id integer NOT NULL,
    uri character varying(255),
    dirtype character varying(20),
    name character varying(255),
    tablename character varying(255),
    description text NOT NULL
);

CREATE SEQUENCE public.directories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.directories_id_seq OWNED BY public.directories.id;

CREATE TABLE public.entity (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    displayname character varying(128) DEFAULT ''::character varying NOT NULL,
    phonenumber character varying(40) DEFAULT ''::character varying NOT NULL,
    faxnumber character varying(40) DEFAULT ''::character varying NOT NULL,
    email character varying(255) DEFAULT ''::character varying NOT NULL,
    url character varying(255) DEFAULT ''::character varying NOT NULL,
    address1 character varying(30) DEFAULT ''::character varying NOT NULL,
    address2 character varying(30) DEFAULT ''::character varying NOT NULL,
    city character varying(128) DEFAULT ''::character varying NOT NULL,
    state character varying(128) DEFAULT ''::character varying NOT NULL,
    zipcode character varying(16) DEFAULT ''::character varying NOT NULL,
    country character varying(3) DEFAULT ''::character varying NOT NULL,
    disable integer DEFAULT 0 NOT NULL,
    dcreate integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.entity_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.entity_id_seq OWNED BY public.entity.id;

CREATE TABLE public.extensions (
    id integer NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    context character varying(39) DEFAULT ''::character varying NOT NULL,
    exten character varying(40) DEFAULT ''::character varying NOT NULL,
    type public.extenumbers_type NOT NULL,
    typeval character varying(255) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.extensions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.extensions_id_seq OWNED BY public.extensions.id;

CREATE TABLE public.features (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(255)
);

CREATE SEQUENCE public.features_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.features_id_seq OWNED BY public.features.id;

CREATE TABLE public.func_key (
    id integer NOT NULL,
    type_id integer NOT NULL,
    destination_type_id integer NOT NULL
);

CREATE TABLE public.func_key_dest_conference (
    func_key_id integer NOT NULL,
    destination_type_id integer DEFAULT 4 NOT NULL,
    conference_id integer NOT NULL,
    CONSTRAINT func_key_dest_conference_destination_type_id_check CHECK ((destination_type_id = 4))
);

CREATE TABLE public.func_key_dest_group (
    func_key_id integer NOT NULL,
    destination_type_id integer DEFAULT 2 NOT NULL,
    group_id integer NOT NULL,
    CONSTRAINT func_key_dest_group_destination_type_id_check CHECK ((destination_type_id = 2))
);

CREATE TABLE public.func_key_dest_queue (
    func_key_id integer NOT NULL,
    destination_type_id integer DEFAULT 3 NOT NULL,
    queue_id integer NOT NULL,
    CONSTRAINT func_key_dest_queue_destination_type_id_check CHECK ((destination_type_id = 3))
);

CREATE TABLE public.func_key_dest_user (
    func_key_id integer NOT NULL,
    user_id integer NOT NULL,
    destination_type_id integer DEFAULT 1 NOT NULL,
    CONSTRAINT func_key_dest_user_destination_type_id_check CHECK ((destination_type_id = 1))
);

CREATE TABLE public.func_key_destination_type (
    id integer NOT NULL,
    name character varying(128) NOT NULL
);

CREATE SEQUENCE public.func_key_destination_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.func_key_destination_type_id_seq OWNED BY public.func_key_destination_type.id;

CREATE SEQUENCE public.func_key_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.func_key_id_seq OWNED BY public.func_key.id;

CREATE TABLE public.func_key_mapping (
    template_id integer NOT NULL,
    func_key_id integer NOT NULL,
    destination_type_id integer NOT NULL,
    label character varying(128),
    "position" integer NOT NULL,
    blf boolean DEFAULT false NOT NULL,
    CONSTRAINT func_key_mapping_position_check CHECK (("position" > 0))
);

CREATE TABLE public.func_key_template (
    id integer NOT NULL,
    name character varying(128),
    private boolean DEFAULT false NOT NULL
);

CREATE SEQUENCE public.func_key_template_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.func_key_template_id_seq OWNED BY public.func_key_template.id;

CREATE TABLE public.func_key_type (
    id integer NOT NULL,
    name character varying(128) NOT NULL
);

CREATE SEQUENCE public.func_key_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.func_key_type_id_seq OWNED BY public.func_key_type.id;

CREATE TABLE public.general (
    id integer NOT NULL,
    timezone character varying(128),
    exchange_trunkid integer,
    exchange_exten character varying(128),
    dundi integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.general_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.general_id_seq OWNED BY public.general.id;

CREATE TABLE public.groupfeatures (
    id integer NOT NULL,
    name character varying(128) NOT NULL,
    number character varying(40) DEFAULT ''::character varying NOT NULL,
    context character varying(39) NOT NULL,
    transfer_user integer DEFAULT 0 NOT NULL,
    transfer_call integer DEFAULT 0 NOT NULL,
    write_caller integer DEFAULT 0 NOT NULL,
    write_calling integer DEFAULT 0 NOT NULL,
    timeout integer DEFAULT 0 NOT NULL,
    preprocess_subroutine character varying(39),
    deleted integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.groupfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.groupfeatures_id_seq OWNED BY public.groupfeatures.id;

CREATE TABLE public.iaxcallnumberlimits (
    id integer NOT NULL,
    destination character varying(39) NOT NULL,
    netmask character varying(39) NOT NULL,
    calllimits integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.iaxcallnumberlimits_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.iaxcallnumberlimits_id_seq OWNED BY public.iaxcallnumberlimits.id;

CREATE TABLE public.incall (
    id integer NOT NULL,
    exten character varying(40) NOT NULL,
    context character varying(39) NOT NULL,
    preprocess_subroutine character varying(39),
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.incall_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.incall_id_seq OWNED BY public.incall.id;

CREATE TABLE public.ldapfilter (
    id integer NOT NULL,
    ldapserverid integer NOT NULL,
    name character varying(128) DEFAULT ''::character varying NOT NULL,
    "user" character varying(255),
    passwd character varying(255),
    basedn character varying(255) DEFAULT ''::character varying NOT NULL,
    filter character varying(255) DEFAULT ''::character varying NOT NULL,
    attrdisplayname character varying(255) DEFAULT ''::character varying NOT NULL,
    attrphonenumber character varying(255) DEFAULT ''::character varying NOT NULL,
    additionaltype public.ldapfilter_additionaltype NOT NULL,
    additionaltext character varying(16) DEFAULT ''::character varying NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.ldapfilter_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ldapfilter_id_seq OWNED BY public.ldapfilter.id;

CREATE TABLE public.ldapserver (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    host character varying(255) DEFAULT ''::character varying NOT NULL,
    port integer NOT NULL,
    securitylayer public.ldapserver_securitylayer,
    protocolversion public.ldapserver_protocolversion DEFAULT '3'::public.ldapserver_protocolversion NOT NULL,
    disable integer DEFAULT 0 NOT NULL,
    dcreate integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.ldapserver_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ldapserver_id_seq OWNED BY public.ldapserver.id;

CREATE TABLE public.linefeatures (
    id integer NOT NULL,
    protocol public.trunk_protocol NOT NULL,
    protocolid integer NOT NULL,
    device character varying(32),
    configregistrar character varying(128),
    name character varying(128) NOT NULL,
    number character varying(40),
    context character varying(39) NOT NULL,
    provisioningid integer NOT NULL,
    num integer DEFAULT 0,
    ipfrom character varying(15),
    commented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.linefeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.linefeatures_id_seq OWNED BY public.linefeatures.id;

CREATE TABLE public.mail (
    id integer NOT NULL,
    mydomain character varying(255) DEFAULT '0'::character varying NOT NULL,
    origin character varying(255) DEFAULT 'xivo-clients.proformatique.com'::character varying NOT NULL,
    relayhost character varying(255),
    fallback_relayhost character varying(255),
    canonical text NOT NULL
);

CREATE SEQUENCE public.mail_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.mail_id_seq OWNED BY public.mail.id;

CREATE TABLE public.meetmefeatures (
    id integer NOT NULL,
    meetmeid integer NOT NULL,
    name character varying(80) NOT NULL,
    confno character varying(40) NOT NULL,
    context character varying(39) NOT NULL,
    admin_typefrom public.meetmefeatures_admin_typefrom,
    admin_internalid integer,
    admin_externalid character varying(40),
    admin_identification public.meetmefeatures_admin_identification NOT NULL,
    admin_mode public.meetmefeatures_mode NOT NULL,
    admin_announceusercount integer DEFAULT 0 NOT NULL,
    admin_announcejoinleave public.meetmefeatures_announcejoinleave NOT NULL,
    admin_moderationmode integer DEFAULT 0 NOT NULL,
    admin_initiallymuted integer DEFAULT 0 NOT NULL,
    admin_musiconhold character varying(128),
    admin_poundexit integer DEFAULT 0 NOT NULL,
    admin_quiet integer DEFAULT 0 NOT NULL,
    admin_starmenu integer DEFAULT 0 NOT NULL,
    admin_closeconflastmarkedexit integer DEFAULT 0 NOT NULL,
    admin_enableexitcontext integer DEFAULT 0 NOT NULL,
    admin_exitcontext character varying(39),
    user_mode public.meetmefeatures_mode NOT NULL,
    user_announceusercount integer DEFAULT 0 NOT NULL,
    user_hiddencalls integer DEFAULT 0 NOT NULL,
    user_announcejoinleave public.meetmefeatures_announcejoinleave NOT NULL,
    user_initiallymuted integer DEFAULT 0 NOT NULL,
    user_musiconhold character varying(128),
    user_poundexit integer DEFAULT 0 NOT NULL,
    user_quiet integer DEFAULT 0 NOT NULL,
    user_starmenu integer DEFAULT 0 NOT NULL,
    user_enableexitcontext integer DEFAULT 0 NOT NULL,
    user_exitcontext character varying(39),
    talkeroptimization integer DEFAULT 0 NOT NULL,
    record integer DEFAULT 0 NOT NULL,
    talkerdetection integer DEFAULT 0 NOT NULL,
    noplaymsgfirstenter integer DEFAULT 0 NOT NULL,
    durationm integer,
    closeconfdurationexceeded integer DEFAULT 0 NOT NULL,
    nbuserstartdeductduration integer,
    timeannounceclose integer,
    maxusers integer DEFAULT 0 NOT NULL,
    startdate integer,
    emailfrom character varying(255),
    emailfromname character varying(255),
    emailsubject character varying(255),
    emailbody text NOT NULL,
    preprocess_subroutine character varying(39),
    description text NOT NULL,
    commented integer DEFAULT 0
);

CREATE SEQUENCE public.meetmefeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.meetmefeatures_id_seq OWNED BY public.meetmefeatures.id;

CREATE TABLE public.meetmeguest (
    id integer NOT NULL,
    meetmefeaturesid integer NOT NULL,
    fullname character varying(255) NOT NULL,
    telephonenumber character varying(40),
    email character varying(320)
);

CREATE SEQUENCE public.meetmeguest_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.meetmeguest_id_seq OWNED BY public.meetmeguest.id;

CREATE TABLE public.monitoring (
    id integer NOT NULL,
    maintenance integer DEFAULT 0 NOT NULL,
    alert_emails character varying(4096),
    dahdi_monitor_ports character varying(255),
    max_call_duration integer
);

CREATE SEQUENCE public.monitoring_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.monitoring_id_seq OWNED BY public.monitoring.id;

CREATE TABLE public.musiconhold (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(128)
);

CREATE SEQUENCE public.musiconhold_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.musiconhold_id_seq OWNED BY public.musiconhold.id;

CREATE TABLE public.netiface (
    id integer NOT NULL,
    ifname character varying(64) DEFAULT ''::character varying NOT NULL,
    hwtypeid integer DEFAULT 65534 NOT NULL,
    networktype public.netiface_networktype NOT NULL,
    type public.netiface_type NOT NULL,
    family public.netiface_family NOT NULL,
    method public.netiface_method,
    address character varying(39),
    netmask character varying(39),
    broadcast character varying(15),
    gateway character varying(39),
    mtu integer,
    vlanrawdevice character varying(64),
    vlanid integer,
    options text NOT NULL,
    disable integer DEFAULT 0 NOT NULL,
    dcreate integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.netiface_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.netiface_id_seq OWNED BY public.netiface.id;

CREATE TABLE public.outcall (
    id integer NOT NULL,
    name character varying(128) NOT NULL,
    context character varying(39) NOT NULL,
    useenum integer DEFAULT 0 NOT NULL,
    internal integer DEFAULT 0 NOT NULL,
    preprocess_subroutine character varying(39),
    hangupringtime integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.outcall_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.outcall_id_seq OWNED BY public.outcall.id;

CREATE TABLE public.outcalltrunk (
    outcallid integer DEFAULT 0 NOT NULL,
    trunkfeaturesid integer DEFAULT 0 NOT NULL,
    priority integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.paging (
    id integer NOT NULL,
    number character varying(32),
    duplex integer DEFAULT 0 NOT NULL,
    ignore integer DEFAULT 0 NOT NULL,
    record integer DEFAULT 0 NOT NULL,
    quiet integer DEFAULT 0 NOT NULL,
    timeout integer NOT NULL,
    announcement_file character varying(64),
    announcement_play integer DEFAULT 0 NOT NULL,
    announcement_caller integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.paging_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.paging_id_seq OWNED BY public.paging.id;

CREATE TABLE public.paginguser (
    pagingid integer NOT NULL,
    userfeaturesid integer NOT NULL,
    caller integer NOT NULL
);

CREATE TABLE public.phonebook (
    id integer NOT NULL,
    title public.phonebook_title NOT NULL,
    firstname character varying(128) DEFAULT ''::character varying NOT NULL,
    lastname character varying(128) DEFAULT ''::character varying NOT NULL,
    displayname character varying(64) DEFAULT ''::character varying NOT NULL,
    society character varying(128) DEFAULT ''::character varying NOT NULL,
    email character varying(255) DEFAULT ''::character varying NOT NULL,
    url character varying(255) DEFAULT ''::character varying NOT NULL,
    image bytea,
    description text NOT NULL
);

CREATE SEQUENCE public.phonebook_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.phonebook_id_seq OWNED BY public.phonebook.id;

CREATE TABLE public.phonebookaddress (
    id integer NOT NULL,
    phonebookid integer NOT NULL,
    address1 character varying(30) DEFAULT ''::character varying NOT NULL,
    address2 character varying(30) DEFAULT ''::character varying NOT NULL,
    city character varying(128) DEFAULT ''::character varying NOT NULL,
    state character varying(128) DEFAULT ''::character varying NOT NULL,
    zipcode character varying(16) DEFAULT ''::character varying NOT NULL,
    country character varying(3) DEFAULT ''::character varying NOT NULL,
    type public.phonebookaddress_type NOT NULL
);

CREATE SEQUENCE public.phonebookaddress_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.phonebookaddress_id_seq OWNED BY public.phonebookaddress.id;

CREATE TABLE public.phonebooknumber (
    id integer NOT NULL,
    phonebookid integer NOT NULL,
    number character varying(40) DEFAULT ''::character varying NOT NULL,
    type public.phonebooknumber_type NOT NULL
);

CREATE SEQUENCE public.phonebooknumber_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.phonebooknumber_id_seq OWNED BY public.phonebooknumber.id;

CREATE TABLE public.phonefunckey (
    iduserfeatures integer NOT NULL,
    fknum integer NOT NULL,
    exten character varying(40),
    typeextenumbers public.phonefunckey_typeextenumbers,
    typevalextenumbers character varying(255),
    typeextenumbersright public.phonefunckey_typeextenumbersright,
    typevalextenumbersright character varying(255),
    label character varying(32),
    supervision integer DEFAULT 0 NOT NULL,
    progfunckey integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.pickup (
    id integer NOT NULL,
    name character varying(128) NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE TABLE public.pickupmember (
    pickupid integer NOT NULL,
    category public.pickup_category NOT NULL,
    membertype public.pickup_membertype NOT NULL,
    memberid integer NOT NULL
);

CREATE TABLE public.provisioning (
    id integer NOT NULL,
    net4_ip character varying(39) NOT NULL,
    net4_ip_rest character varying(39) NOT NULL,
    username character varying(32) NOT NULL,
    password character varying(32) NOT NULL,
    dhcp_integration integer DEFAULT 0 NOT NULL,
    rest_port integer NOT NULL,
    http_port integer NOT NULL,
    private integer DEFAULT 0 NOT NULL,
    secure integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.provisioning_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.provisioning_id_seq OWNED BY public.provisioning.id;

CREATE TABLE public.queue (
    name character varying(128) NOT NULL,
    musicclass character varying(128),
    announce character varying(128),
    context character varying(39),
    timeout integer DEFAULT 0,
    "monitor-type" public.queue_monitor_type,
    "monitor-format" character varying(128),
    "queue-youarenext" character varying(128),
    "queue-thereare" character varying(128),
    "queue-callswaiting" character varying(128),
    "queue-holdtime" character varying(128),
    "queue-minutes" character varying(128),
    "queue-seconds" character varying(128),
    "queue-thankyou" character varying(128),
    "queue-reporthold" character varying(128),
    "periodic-announce" text,
    "announce-frequency" integer,
    "periodic-announce-frequency" integer,
    "announce-round-seconds" integer,
    "announce-holdtime" character varying(4),
    retry integer,
    wrapuptime integer,
    maxlen integer,
    servicelevel integer,
    strategy character varying(11),
    joinempty character varying(255),
    leavewhenempty character varying(255),
    eventmemberstatus integer DEFAULT 0 NOT NULL,
    eventwhencalled integer DEFAULT 0 NOT NULL,
    ringinuse integer DEFAULT 0 NOT NULL,
    reportholdtime integer DEFAULT 0 NOT NULL,
    memberdelay integer,
    weight integer,
    timeoutrestart integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    category public.queue_category NOT NULL,
    timeoutpriority character varying(10) DEFAULT 'app'::character varying NOT NULL,
    autofill integer DEFAULT 1 NOT NULL,
    autopause integer DEFAULT 1 NOT NULL,
    setinterfacevar integer DEFAULT 0 NOT NULL,
    setqueueentryvar integer DEFAULT 0 NOT NULL,
    setqueuevar integer DEFAULT 0 NOT NULL,
    membermacro character varying(1024),
    "min-announce-frequency" integer DEFAULT 60 NOT NULL,
    "random-periodic-announce" integer DEFAULT 0 NOT NULL,
    "announce-position" character varying(1024) DEFAULT 'yes'::character varying NOT NULL,
    "announce-position-limit" integer DEFAULT 5 NOT NULL,
    defaultrule character varying(1024)
);

CREATE TABLE public.queue_info (
    id integer NOT NULL,
    call_time_t integer,
    queue_name character varying(128) DEFAULT ''::character varying NOT NULL,
    caller character varying(80) DEFAULT ''::character varying NOT NULL,
    caller_uniqueid character varying(32) DEFAULT ''::character varying NOT NULL,
    call_picker character varying(80),
    hold_time integer,
    talk_time integer
);

CREATE SEQUENCE public.queue_info_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queue_info_id_seq OWNED BY public.queue_info.id;

CREATE TABLE public.queue_log (
    "time" character varying(26) DEFAULT ''::character varying NOT NULL,
    callid character varying(32) DEFAULT ''::character varying NOT NULL,
    queuename character varying(50) DEFAULT ''::character varying NOT NULL,
    agent character varying(50) DEFAULT ''::character varying NOT NULL,
    event character varying(20) DEFAULT ''::character varying NOT NULL,
    data1 character varying(30) DEFAULT ''::character varying,
    data2 character varying(30) DEFAULT ''::character varying,
    data3 character varying(30) DEFAULT ''::character varying,
    data4 character varying(30) DEFAULT ''::character varying,
    data5 character varying(30) DEFAULT ''::character varying,
    id integer NOT NULL
);

CREATE SEQUENCE public.queue_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queue_log_id_seq OWNED BY public.queue_log.id;

CREATE TABLE public.queuefeatures (
    id integer NOT NULL,
    name character varying(128) NOT NULL,
    displayname character varying(128) NOT NULL,
    number character varying(40) DEFAULT ''::character varying NOT NULL,
    context character varying(39),
    data_quality integer DEFAULT 0 NOT NULL,
    hitting_callee integer DEFAULT 0 NOT NULL,
    hitting_caller integer DEFAULT 0 NOT NULL,
    retries integer DEFAULT 0 NOT NULL,
    ring integer DEFAULT 0 NOT NULL,
    transfer_user integer DEFAULT 0 NOT NULL,
    transfer_call integer DEFAULT 0 NOT NULL,
    write_caller integer DEFAULT 0 NOT NULL,
    write_calling integer DEFAULT 0 NOT NULL,
    url character varying(255) DEFAULT ''::character varying NOT NULL,
    announceoverride character varying(128) DEFAULT ''::character varying NOT NULL,
    timeout integer DEFAULT 0 NOT NULL,
    preprocess_subroutine character varying(39),
    announce_holdtime integer DEFAULT 0 NOT NULL,
    waittime integer,
    waitratio double precision
);

CREATE SEQUENCE public.queuefeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queuefeatures_id_seq OWNED BY public.queuefeatures.id;

CREATE TABLE public.queuemember (
    queue_name character varying(128) NOT NULL,
    interface character varying(128) NOT NULL,
    penalty integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    usertype public.queuemember_usertype NOT NULL,
    userid integer NOT NULL,
    channel character varying(25) NOT NULL,
    category public.queue_category NOT NULL,
    "position" integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.queuepenalty (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL
);

CREATE SEQUENCE public.queuepenalty_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queuepenalty_id_seq OWNED BY public.queuepenalty.id;

CREATE TABLE public.queuepenaltychange (
    queuepenalty_id integer NOT NULL,
    seconds integer DEFAULT 0 NOT NULL,
    maxp_sign public.queuepenaltychange_sign,
    maxp_value integer,
    minp_sign public.queuepenaltychange_sign,
    minp_value integer
);

CREATE TABLE public.queueskill (
    id integer NOT NULL,
    catid integer DEFAULT 1 NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    description text,
    printscreen character varying(5)
);

CREATE SEQUENCE public.queueskill_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queueskill_id_seq OWNED BY public.queueskill.id;

CREATE TABLE public.queueskillcat (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.queueskillcat_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queueskillcat_id_seq OWNED BY public.queueskillcat.id;

CREATE TABLE public.queueskillrule (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    rule text
);

CREATE SEQUENCE public.queueskillrule_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.queueskillrule_id_seq OWNED BY public.queueskillrule.id;

CREATE TABLE public.record_campaign (
    id integer NOT NULL,
    campaign_name character varying(128) NOT NULL,
    activated boolean NOT NULL,
    base_filename character varying(64) NOT NULL,
    queue_id integer,
    start_date timestamp without time zone,
    end_date timestamp without time zone
);

CREATE SEQUENCE public.record_campaign_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.record_campaign_id_seq OWNED BY public.record_campaign.id;

CREATE TABLE public.recording (
    cid character varying(32) NOT NULL,
    start_time timestamp without time zone,
    end_time timestamp without time zone,
    caller character varying(32),
    client_id character varying(1024),
    callee character varying(32),
    filename character varying(1024),
    campaign_id integer NOT NULL,
    agent_id integer NOT NULL
);

CREATE TABLE public.resolvconf (
    id integer NOT NULL,
    hostname character varying(63) DEFAULT 'xivo'::character varying NOT NULL,
    domain character varying(255) DEFAULT ''::character varying NOT NULL,
    nameserver1 character varying(255),
    nameserver2 character varying(255),
    nameserver3 character varying(255),
    search character varying(255),
    description text
);

CREATE SEQUENCE public.resolvconf_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.resolvconf_id_seq OWNED BY public.resolvconf.id;

CREATE TABLE public.rightcall (
    id integer NOT NULL,
    name character varying(128) DEFAULT ''::character varying NOT NULL,
    passwd character varying(40) DEFAULT ''::character varying NOT NULL,
    "authorization" integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.rightcall_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.rightcall_id_seq OWNED BY public.rightcall.id;

CREATE TABLE public.rightcallexten (
    id integer NOT NULL,
    rightcallid integer DEFAULT 0 NOT NULL,
    exten character varying(40) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.rightcallexten_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.rightcallexten_id_seq OWNED BY public.rightcallexten.id;

CREATE TABLE public.rightcallmember (
    id integer NOT NULL,
    rightcallid integer DEFAULT 0 NOT NULL,
    type public.rightcallmember_type NOT NULL,
    typeval character varying(128) DEFAULT '0'::character varying NOT NULL
);

CREATE SEQUENCE public.rightcallmember_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.rightcallmember_id_seq OWNED BY public.rightcallmember.id;

CREATE TABLE public.sccpdevice (
    id integer NOT NULL,
    name character varying(80) NOT NULL,
    device character varying(80) NOT NULL,
    line character varying(80) DEFAULT ''::character varying NOT NULL,
    voicemail character varying(80) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.sccpdevice_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.sccpdevice_id_seq OWNED BY public.sccpdevice.id;

CREATE TABLE public.sccpgeneralsettings (
    id integer NOT NULL,
    option_name character varying(80) NOT NULL,
    option_value character varying(80) NOT NULL
);

CREATE SEQUENCE public.sccpgeneralsettings_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.sccpgeneralsettings_id_seq OWNED BY public.sccpgeneralsettings.id;

CREATE TABLE public.sccpline (
    id integer NOT NULL,
    name character varying(80) NOT NULL,
    context character varying(80) NOT NULL,
    cid_name character varying(80) NOT NULL,
    cid_num character varying(80) NOT NULL,
    disallow character varying(100),
    allow text,
    protocol public.trunk_protocol DEFAULT 'sccp'::public.trunk_protocol NOT NULL,
    commented integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.sccpline_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.sccpline_id_seq OWNED BY public.sccpline.id;

CREATE TABLE public.schedule (
    id integer NOT NULL,
    name character varying(255) DEFAULT ''::character varying NOT NULL,
    timezone character varying(128),
    fallback_action public.dialaction_action DEFAULT 'none'::public.dialaction_action NOT NULL,
    fallback_actionid character varying(255),
    fallback_actionargs character varying(255),
    description text,
    commented integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.schedule_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.schedule_id_seq OWNED BY public.schedule.id;

CREATE TABLE public.schedule_path (
    schedule_id integer NOT NULL,
    path public.schedule_path_type NOT NULL,
    pathid integer NOT NULL,
    "order" integer NOT NULL
);

CREATE TABLE public.schedule_time (
    id integer NOT NULL,
    schedule_id integer,
    mode public.schedule_time_mode DEFAULT 'opened'::public.schedule_time_mode NOT NULL,
    hours character varying(512),
    weekdays character varying(512),
    monthdays character varying(512),
    months character varying(512),
    action public.dialaction_action,
    actionid character varying(255),
    actionargs character varying(255),
    commented integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.schedule_time_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.schedule_time_id_seq OWNED BY public.schedule_time.id;

CREATE TABLE public.serverfeatures (
    id integer NOT NULL,
    serverid integer NOT NULL,
    type public.serverfeatures_type NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    feature character varying(64) DEFAULT 'phonebook'::character varying NOT NULL,
    CONSTRAINT serverfeatures_feature_check CHECK (((feature)::text = 'phonebook'::text))
);

CREATE SEQUENCE public.serverfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.serverfeatures_id_seq OWNED BY public.serverfeatures.id;

CREATE TABLE public.session (
    sessid character varying(32) NOT NULL,
    start integer NOT NULL,
    expire integer NOT NULL,
    identifier character varying(255) NOT NULL,
    data text NOT NULL
);

CREATE TABLE public.sipauthentication (
    id integer NOT NULL,
    usersip_id integer,
    "user" character varying(255) NOT NULL,
    secretmode public.sipauthentication_secretmode NOT NULL,
    secret character varying(255) NOT NULL,
    realm character varying(1024) NOT NULL
);

CREATE SEQUENCE public.sipauthentication_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.sipauthentication_id_seq OWNED BY public.sipauthentication.id;

CREATE TABLE public.stat_agent (
    id integer NOT NULL,
    name character varying(128) NOT NULL
);

CREATE SEQUENCE public.stat_agent_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stat_agent_id_seq OWNED BY public.stat_agent.id;

CREATE TABLE public.stat_agent_periodic (
    id integer NOT NULL,
    "time" timestamp without time zone NOT NULL,
    login_time interval DEFAULT '00:00:00'::interval NOT NULL,
    pause_time interval DEFAULT '00:00:00'::interval NOT NULL,
    wrapup_time interval DEFAULT '00:00:00'::interval NOT NULL,
    agent_id integer
);

CREATE SEQUENCE public.stat_agent_periodic_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stat_agent_periodic_id_seq OWNED BY public.stat_agent_periodic.id;

CREATE TABLE public.stat_call_on_queue (
    id integer NOT NULL,
    callid character varying(32) NOT NULL,
    "time" timestamp without time zone NOT NULL,
    ringtime integer DEFAULT 0 NOT NULL,
    talktime integer DEFAULT 0 NOT NULL,
    waittime integer DEFAULT 0 NOT NULL,
    status public.call_exit_type NOT NULL,
    queue_id integer,
    agent_id integer
);

CREATE SEQUENCE public.stat_call_on_queue_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stat_call_on_queue_id_seq OWNED BY public.stat_call_on_queue.id;

CREATE TABLE public.stat_queue (
    id integer NOT NULL,
    name character varying(128) NOT NULL
);

CREATE SEQUENCE public.stat_queue_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stat_queue_id_seq OWNED BY public.stat_queue.id;

CREATE TABLE public.stat_queue_periodic (
    id integer NOT NULL,
    "time" timestamp without time zone NOT NULL,
    answered integer DEFAULT 0 NOT NULL,
    abandoned integer DEFAULT 0 NOT NULL,
    total integer DEFAULT 0 NOT NULL,
    "full" integer DEFAULT 0 NOT NULL,
    closed integer DEFAULT 0 NOT NULL,
    joinempty integer DEFAULT 0 NOT NULL,
    leaveempty integer DEFAULT 0 NOT NULL,
    divert_ca_ratio integer DEFAULT 0 NOT NULL,
    divert_waittime integer DEFAULT 0 NOT NULL,
    timeout integer DEFAULT 0 NOT NULL,
    queue_id integer
);

CREATE SEQUENCE public.stat_queue_periodic_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stat_queue_periodic_id_seq OWNED BY public.stat_queue_periodic.id;

CREATE TABLE public.staticiax (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(255)
);

CREATE SEQUENCE public.staticiax_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.staticiax_id_seq OWNED BY public.staticiax.id;

CREATE TABLE public.staticmeetme (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(128)
);

CREATE SEQUENCE public.staticmeetme_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.staticmeetme_id_seq OWNED BY public.staticmeetme.id;

CREATE TABLE public.staticqueue (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(128)
);

CREATE SEQUENCE public.staticqueue_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.staticqueue_id_seq OWNED BY public.staticqueue.id;

CREATE TABLE public.staticsip (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val character varying(255)
);

CREATE SEQUENCE public.staticsip_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.staticsip_id_seq OWNED BY public.staticsip.id;

CREATE TABLE public.staticvoicemail (
    id integer NOT NULL,
    cat_metric integer DEFAULT 0 NOT NULL,
    var_metric integer DEFAULT 0 NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    filename character varying(128) NOT NULL,
    category character varying(128) NOT NULL,
    var_name character varying(128) NOT NULL,
    var_val text
);

CREATE SEQUENCE public.staticvoicemail_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.staticvoicemail_id_seq OWNED BY public.staticvoicemail.id;

CREATE TABLE public.stats_conf (
    id integer NOT NULL,
    name character varying(64) DEFAULT ''::character varying NOT NULL,
    hour_start time without time zone NOT NULL,
    hour_end time without time zone NOT NULL,
    homepage integer,
    timezone character varying(128) DEFAULT ''::character varying NOT NULL,
    default_delta character varying(16) DEFAULT '0'::character varying NOT NULL,
    monday smallint DEFAULT 0 NOT NULL,
    tuesday smallint DEFAULT 0 NOT NULL,
    wednesday smallint DEFAULT 0 NOT NULL,
    thursday smallint DEFAULT 0 NOT NULL,
    friday smallint DEFAULT 0 NOT NULL,
    saturday smallint DEFAULT 0 NOT NULL,
    sunday smallint DEFAULT 0 NOT NULL,
    period1 character varying(16) DEFAULT '0'::character varying NOT NULL,
    period2 character varying(16) DEFAULT '0'::character varying NOT NULL,
    period3 character varying(16) DEFAULT '0'::character varying NOT NULL,
    period4 character varying(16) DEFAULT '0'::character varying NOT NULL,
    period5 character varying(16) DEFAULT '0'::character varying NOT NULL,
    dbegcache integer DEFAULT 0,
    dendcache integer DEFAULT 0,
    dgenercache integer DEFAULT 0,
    dcreate integer DEFAULT 0,
    dupdate integer DEFAULT 0,
    disable smallint DEFAULT 0 NOT NULL,
    description text
);

CREATE TABLE public.stats_conf_agent (
    stats_conf_id integer NOT NULL,
    agentfeatures_id integer NOT NULL
);

CREATE TABLE public.stats_conf_group (
    stats_conf_id integer NOT NULL,
    groupfeatures_id integer NOT NULL
);

CREATE SEQUENCE public.stats_conf_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.stats_conf_id_seq OWNED BY public.stats_conf.id;

CREATE TABLE public.stats_conf_incall (
    stats_conf_id integer NOT NULL,
    incall_id integer NOT NULL
);

CREATE TABLE public.stats_conf_queue (
    stats_conf_id integer NOT NULL,
    queuefeatures_id integer NOT NULL,
    qos smallint DEFAULT 0 NOT NULL
);

CREATE TABLE public.stats_conf_user (
    stats_conf_id integer NOT NULL,
    userfeatures_id integer NOT NULL
);

CREATE TABLE public.stats_conf_xivouser (
    stats_conf_id integer NOT NULL,
    user_id integer NOT NULL
);

CREATE TABLE public.trunkfeatures (
    id integer NOT NULL,
    protocol public.trunk_protocol NOT NULL,
    protocolid integer NOT NULL,
    registerid integer DEFAULT 0 NOT NULL,
    registercommented integer DEFAULT 0 NOT NULL,
    description text
);

CREATE SEQUENCE public.trunkfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.trunkfeatures_id_seq OWNED BY public.trunkfeatures.id;

CREATE TABLE public."user" (
    id integer NOT NULL,
    entity_id integer,
    login character varying(64) DEFAULT ''::character varying NOT NULL,
    passwd character varying(64) DEFAULT ''::character varying NOT NULL,
    meta public.user_meta DEFAULT 'user'::public.user_meta NOT NULL,
    valid integer DEFAULT 1 NOT NULL,
    "time" integer DEFAULT 0 NOT NULL,
    dcreate integer DEFAULT 0 NOT NULL,
    dupdate integer DEFAULT 0 NOT NULL,
    obj text NOT NULL
);

CREATE SEQUENCE public.user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.user_id_seq OWNED BY public."user".id;

CREATE TABLE public.user_line (
    id integer NOT NULL,
    user_id integer,
    line_id integer NOT NULL,
    extension_id integer,
    main_user boolean NOT NULL,
    main_line boolean NOT NULL
);

CREATE SEQUENCE public.user_line_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.user_line_id_seq OWNED BY public.user_line.id;

CREATE TABLE public.usercustom (
    id integer NOT NULL,
    name character varying(40),
    context character varying(39),
    interface character varying(128) NOT NULL,
    intfsuffix character varying(32) DEFAULT ''::character varying NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    protocol public.trunk_protocol DEFAULT 'custom'::public.trunk_protocol NOT NULL,
    category public.usercustom_category NOT NULL
);

CREATE SEQUENCE public.usercustom_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.usercustom_id_seq OWNED BY public.usercustom.id;

CREATE TABLE public.userfeatures (
    id integer NOT NULL,
    firstname character varying(128) DEFAULT ''::character varying NOT NULL,
    lastname character varying(128) DEFAULT ''::character varying NOT NULL,
    voicemailtype public.userfeatures_voicemailtype,
    voicemailid integer,
    agentid integer,
    pictureid integer,
    entityid integer,
    callerid character varying(160),
    ringseconds integer DEFAULT 30 NOT NULL,
    simultcalls integer DEFAULT 5 NOT NULL,
    enableclient integer DEFAULT 1 NOT NULL,
    loginclient character varying(64) DEFAULT ''::character varying NOT NULL,
    passwdclient character varying(64) DEFAULT ''::character varying NOT NULL,
    cti_profile_id integer,
    enablehint integer DEFAULT 1 NOT NULL,
    enablevoicemail integer DEFAULT 0 NOT NULL,
    enablexfer integer DEFAULT 1 NOT NULL,
    enableautomon integer DEFAULT 0 NOT NULL,
    callrecord integer DEFAULT 0 NOT NULL,
    incallfilter integer DEFAULT 0 NOT NULL,
    enablednd integer DEFAULT 0 NOT NULL,
    enableunc integer DEFAULT 0 NOT NULL,
    destunc character varying(128) DEFAULT ''::character varying NOT NULL,
    enablerna integer DEFAULT 0 NOT NULL,
    destrna character varying(128) DEFAULT ''::character varying NOT NULL,
    enablebusy integer DEFAULT 0 NOT NULL,
    destbusy character varying(128) DEFAULT ''::character varying NOT NULL,
    musiconhold character varying(128) DEFAULT ''::character varying NOT NULL,
    outcallerid character varying(80) DEFAULT ''::character varying NOT NULL,
    mobilephonenumber character varying(128) DEFAULT ''::character varying NOT NULL,
    userfield character varying(128) DEFAULT ''::character varying NOT NULL,
    bsfilter public.generic_bsfilter DEFAULT 'no'::public.generic_bsfilter NOT NULL,
    preprocess_subroutine character varying(39),
    timezone character varying(128),
    language character varying(20),
    ringintern character varying(64),
    ringextern character varying(64),
    ringgroup character varying(64),
    ringforward character varying(64),
    rightcallcode character varying(16),
    commented integer DEFAULT 0 NOT NULL,
    description text NOT NULL,
    func_key_template_id integer,
    func_key_private_template_id integer NOT NULL
);

CREATE SEQUENCE public.userfeatures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.userfeatures_id_seq OWNED BY public.userfeatures.id;

CREATE TABLE public.useriax (
    id integer NOT NULL,
    name character varying(40) NOT NULL,
    type public.useriax_type NOT NULL,
    username character varying(80),
    secret character varying(80) DEFAULT ''::character varying NOT NULL,
    dbsecret character varying(255) DEFAULT ''::character varying NOT NULL,
    context character varying(39),
    language character varying(20),
    accountcode character varying(20),
    amaflags public.useriax_amaflags DEFAULT 'default'::public.useriax_amaflags,
    mailbox character varying(80),
    callerid character varying(160),
    fullname character varying(80),
    cid_number character varying(80),
    trunk integer DEFAULT 0 NOT NULL,
    auth public.useriax_auth DEFAULT 'plaintext,md5'::public.useriax_auth NOT NULL,
    encryption public.useriax_encryption,
    forceencryption public.useriax_encryption,
    maxauthreq integer,
    inkeys character varying(80),
    outkey character varying(80),
    adsi integer,
    transfer public.useriax_transfer,
    codecpriority public.useriax_codecpriority,
    jitterbuffer integer,
    forcejitterbuffer integer,
    sendani integer DEFAULT 0 NOT NULL,
    qualify character varying(4) DEFAULT 'no'::character varying NOT NULL,
    qualifysmoothing integer DEFAULT 0 NOT NULL,
    qualifyfreqok integer DEFAULT 60000 NOT NULL,
    qualifyfreqnotok integer DEFAULT 10000 NOT NULL,
    timezone character varying(80),
    disallow character varying(100),
    allow text,
    mohinterpret character varying(80),
    mohsuggest character varying(80),
    deny character varying(31),
    permit character varying(31),
    defaultip character varying(255),
    sourceaddress character varying(255),
    setvar character varying(100) DEFAULT ''::character varying NOT NULL,
    host character varying(255) DEFAULT 'dynamic'::character varying NOT NULL,
    port integer,
    mask character varying(15),
    regexten character varying(80),
    peercontext character varying(80),
    ipaddr character varying(255) DEFAULT ''::character varying NOT NULL,
    regseconds integer DEFAULT 0 NOT NULL,
    immediate integer,
    keyrotate integer,
    parkinglot integer,
    protocol public.trunk_protocol DEFAULT 'iax'::public.trunk_protocol NOT NULL,
    category public.useriax_category NOT NULL,
    commented integer DEFAULT 0 NOT NULL,
    requirecalltoken character varying(4) DEFAULT 'no'::character varying NOT NULL
);

CREATE SEQUENCE public.useriax_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.useriax_id_seq OWNED BY public.useriax.id;

CREATE TABLE public.usersip (
    id integer NOT NULL,
    name character varying(40) NOT NULL,
    type public.useriax_type NOT NULL,
    username character varying(80),
    secret character varying(80) DEFAULT ''::character varying NOT NULL,
    md5secret character varying(32) DEFAULT ''::character varying NOT NULL,
    context character varying(39),
    language character varying(20),
    accountcode character varying(20),
    amaflags public.useriax_amaflags DEFAULT 'default'::public.useriax_amaflags NOT NULL,
    allowtransfer integer,
    fromuser character varying(80),
    fromdomain character varying(255),
    mailbox character varying(80),
    subscribemwi integer DEFAULT 0 NOT NULL,
    buggymwi integer,
    "call-limit" integer DEFAULT 0 NOT NULL,
    callerid character varying(160),
    fullname character varying(80),
    cid_number character varying(80),
    maxcallbitrate integer,
    insecure public.usersip_insecure,
    nat public.usersip_nat,
    promiscredir integer,
    usereqphone integer,
    videosupport public.usersip_videosupport,
    trustrpid integer,
    sendrpid character varying(16),
    allowsubscribe integer,
    allowoverlap integer,
    dtmfmode public.usersip_dtmfmode,
    rfc2833compensate integer,
    qualify character varying(4),
    g726nonstandard integer,
    disallow character varying(100),
    allow text,
    autoframing integer,
    mohinterpret character varying(80),
    mohsuggest character varying(80),
    useclientcode integer,
    progressinband public.usersip_progressinband,
    t38pt_udptl integer,
    t38pt_usertpsource integer,
    rtptimeout integer,
    rtpholdtimeout integer,
    rtpkeepalive integer,
    deny character varying(31),
    permit character varying(31),
    defaultip character varying(255),
    setvar character varying(100) DEFAULT ''::character varying NOT NULL,
    host character varying(255) DEFAULT 'dynamic'::character varying NOT NULL,
    port integer,
    regexten character varying(80),
    subscribecontext character varying(80),
    fullcontact character varying(255),
    vmexten character varying(40),
    callingpres integer,
    ipaddr character varying(255) DEFAULT ''::character varying NOT NULL,
    regseconds integer DEFAULT 0 NOT NULL,
    regserver character varying(20),
    lastms character varying(15) DEFAULT ''::character varying NOT NULL,
    parkinglot integer,
    protocol public.trunk_protocol DEFAULT 'sip'::public.trunk_protocol NOT NULL,
    category public.useriax_category NOT NULL,
    outboundproxy character varying(1024),
    transport character varying(255),
    remotesecret character varying(255),
    directmedia public.usersip_directmedia,
    callcounter integer,
    busylevel integer,
    ignoresdpversion integer,
    "session-timers" public.usersip_session_timers,
    "session-expires" integer,
    "session-minse" integer,
    "session-refresher" public.usersip_session_refresher,
    callbackextension character varying(255),
    registertrying integer,
    timert1 integer,
    timerb integer,
    qualifyfreq integer,
    contactpermit character varying(1024),
    contactdeny character varying(1024),
    unsolicited_mailbox character varying(1024),
    use_q850_reason integer,
    encryption integer,
    snom_aoc_enabled integer,
    maxforwards integer,
    disallowed_methods character varying(1024),
    textsupport integer,
    commented integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.usersip_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.usersip_id_seq OWNED BY public.usersip.id;

CREATE TABLE public.voicemail (
    uniqueid integer NOT NULL,
    context character varying(39) NOT NULL,
    mailbox character varying(40) NOT NULL,
    password character varying(80) DEFAULT ''::character varying NOT NULL,
    fullname character varying(80) DEFAULT ''::character varying NOT NULL,
    email character varying(80),
    pager character varying(80),
    dialout character varying(39),
    callback character varying(39),
    exitcontext character varying(39),
    language character varying(20),
    tz character varying(80),
    attach integer,
    saycid integer,
    review integer,
    operator integer,
    envelope integer,
    sayduration integer,
    saydurationm integer,
    sendvoicemail integer,
    deletevoicemail integer DEFAULT 0 NOT NULL,
    forcename integer,
    forcegreetings integer,
    hidefromdir public.voicemail_hidefromdir DEFAULT 'no'::public.voicemail_hidefromdir NOT NULL,
    maxmsg integer,
    emailsubject character varying(1024),
    emailbody text,
    imapuser character varying(1024),
    imappassword character varying(1024),
    imapfolder character varying(1024),
    imapvmsharedid character varying(1024),
    attachfmt character varying(1024),
    serveremail character varying(1024),
    locale character varying(1024),
    tempgreetwarn integer,
    messagewrap integer,
    moveheard integer,
    minsecs integer,
    maxsecs integer,
    nextaftercmd integer,
    backupdeleted integer,
    volgain double precision,
    passwordlocation public.voicemail_passwordlocation,
    commented integer DEFAULT 0 NOT NULL,
    skipcheckpass integer DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.voicemail_uniqueid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.voicemail_uniqueid_seq OWNED BY public.voicemail.uniqueid;

ALTER TABLE ONLY public.accessfeatures ALTER COLUMN id SET DEFAULT nextval('public.accessfeatures_id_seq'::regclass);

ALTER TABLE ONLY public.accesswebservice ALTER COLUMN id SET DEFAULT nextval('public.accesswebservice_id_seq'::regclass);

ALTER TABLE ONLY public.agentfeatures ALTER COLUMN id SET DEFAULT nextval('public.agentfeatures_id_seq'::regclass);

ALTER TABLE ONLY public.agentglobalparams ALTER COLUMN id SET DEFAULT nextval('public.agentglobalparams_id_seq'::regclass);

ALTER TABLE ONLY public.agentgroup ALTER COLUMN id SET DEFAULT nextval('public.agentgroup_id_seq'::regclass);

ALTER TABLE ONLY public.attachment ALTER COLUMN id SET DEFAULT nextval('public.attachment_id_seq'::regclass);

ALTER TABLE ONLY public.call_log ALTER COLUMN id SET DEFAULT nextval('public.call_log_id_seq'::regclass);

ALTER TABLE ONLY public.callfilter ALTER COLUMN id SET DEFAULT nextval('public.callfilter_id_seq'::regclass);

ALTER TABLE ONLY public.callfiltermember ALTER COLUMN id SET DEFAULT nextval('public.callfiltermember_id_seq'::regclass);

ALTER TABLE ONLY public.cel ALTER COLUMN id SET DEFAULT nextval('public.cel_id_seq'::regclass);

ALTER TABLE ONLY public.contexttype ALTER COLUMN id SET DEFAULT nextval('public.contexttype_id_seq'::regclass);

ALTER TABLE ONLY public.cti_preference ALTER COLUMN id SET DEFAULT nextval('public.cti_preference_id_seq'::regclass);

ALTER TABLE ONLY public.cti_profile ALTER COLUMN id SET DEFAULT nextval('public.cti_profile_id_seq'::regclass);

ALTER TABLE ONLY public.cti_service ALTER COLUMN id SET DEFAULT nextval('public.cti_service_id_seq'::regclass);

ALTER TABLE ONLY public.cti_xlet ALTER COLUMN id SET DEFAULT nextval('public.cti_xlet_id_seq'::regclass);

ALTER TABLE ONLY public.cti_xlet_layout ALTER COLUMN id SET DEFAULT nextval('public.cti_xlet_layout_id_seq'::regclass);

ALTER TABLE ONLY public.cticontexts ALTER COLUMN id SET DEFAULT nextval('public.cticontexts_id_seq'::regclass);

ALTER TABLE ONLY public.ctidirectories ALTER COLUMN id SET DEFAULT nextval('public.ctidirectories_id_seq'::regclass);

ALTER TABLE ONLY public.ctidisplays ALTER COLUMN id SET DEFAULT nextval('public.ctidisplays_id_seq'::regclass);

ALTER TABLE ONLY public.ctilog ALTER COLUMN id SET DEFAULT nextval('public.ctilog_id_seq'::regclass);

ALTER TABLE ONLY public.ctimain ALTER COLUMN id SET DEFAULT nextval('public.ctimain_id_seq'::regclass);

ALTER TABLE ONLY public.ctiphonehints ALTER COLUMN id SET DEFAULT nextval('public.ctiphonehints_id_seq'::regclass);

ALTER TABLE ONLY public.ctiphonehintsgroup ALTER COLUMN id SET DEFAULT nextval('public.ctiphonehintsgroup_id_seq'::regclass);

ALTER TABLE ONLY public.ctipresences ALTER COLUMN id SET DEFAULT nextval('public.ctipresences_id_seq'::regclass);

ALTER TABLE ONLY public.ctireversedirectories ALTER COLUMN id SET DEFAULT nextval('public.ctireversedirectories_id_seq'::regclass);

ALTER TABLE ONLY public.ctisheetactions ALTER COLUMN id SET DEFAULT nextval('public.ctisheetactions_id_seq'::regclass);

ALTER TABLE ONLY public.ctisheetevents ALTER COLUMN id SET DEFAULT nextval('public.ctisheetevents_id_seq'::regclass);

ALTER TABLE ONLY public.ctistatus ALTER COLUMN id SET DEFAULT nextval('public.ctistatus_id_seq'::regclass);

ALTER TABLE ONLY public.dhcp ALTER COLUMN id SET DEFAULT nextval('public.dhcp_id_seq'::regclass);

ALTER TABLE ONLY public.dialpattern ALTER COLUMN id SET DEFAULT nextval('public.dialpattern_id_seq'::regclass);

ALTER TABLE ONLY public.directories ALTER COLUMN id SET DEFAULT nextval('public.directories_id_seq'::regclass);

ALTER TABLE ONLY public.entity ALTER COLUMN id SET DEFAULT nextval('public.entity_id_seq'::regclass);

ALTER TABLE ONLY public.extensions ALTER COLUMN id SET DEFAULT nextval('public.extensions_id_seq'::regclass);

ALTER TABLE ONLY public.features ALTER COLUMN id SET DEFAULT nextval('public.features_id_seq'::regclass);

ALTER TABLE ONLY public.func_key ALTER COLUMN id SET DEFAULT nextval('public.func_key_id_seq'::regclass);

ALTER TABLE ONLY public.func_key_destination_type ALTER COLUMN id SET DEFAULT nextval('public.func_key_destination_type_id_seq'::regclass);

ALTER TABLE ONLY public.func_key_template ALTER COLUMN id SET DEFAULT nextval('public.func_key_template_id_seq'::regclass);

ALTER TABLE ONLY public.func_key_type ALTER COLUMN id SET DEFAULT nextval('public.func_key_type_id_seq'::regclass);

ALTER TABLE ONLY public.general ALTER COLUMN id SET DEFAULT nextval('public.general_id_seq'::regclass);

ALTER TABLE ONLY public.groupfeatures ALTER COLUMN id SET DEFAULT nextval('public.groupfeatures_id_seq'::regclass);

ALTER TABLE ONLY public.iaxcallnumberlimits ALTER COLUMN id SET DEFAULT nextval('public.iaxcallnumberlimits_id_seq'::regclass);

ALTER TABLE ONLY public.incall ALTER COLUMN id SET DEFAULT nextval('public.incall_id_seq'::regclass);

ALTER TABLE ONLY public.ldapfilter ALTER COLUMN id SET DEFAULT nextval('public.ldapfilter_id_seq'::regclass);

ALTER TABLE ONLY public.ldapserver ALTER COLUMN id SET DEFAULT nextval('public.ldapserver_id_seq'::regclass);

ALTER TABLE ONLY public.linefeatures ALTER COLUMN id SET DEFAULT nextval('public.linefeatures_id_seq'::regclass);

ALTER TABLE ONLY public.mail ALTER COLUMN id SET DEFAULT nextval('public.mail_id_seq'::regclass);

ALTER TABLE ONLY public.meetmefeatures ALTER COLUMN id SET DEFAULT nextval('public.meetmefeatures_id_seq'::regclass);

ALTER TABLE ONLY public.meetmeguest ALTER COLUMN id SET DEFAULT nextval('public.meetmeguest_id_seq'::regclass);

ALTER TABLE ONLY public.monitoring ALTER COLUMN id SET DEFAULT nextval('public.monitoring_id_seq'::regclass);

ALTER TABLE ONLY public.musiconhold ALTER COLUMN id SET DEFAULT nextval('public.musiconhold_id_seq'::regclass);

ALTER TABLE ONLY public.netiface ALTER COLUMN id SET DEFAULT nextval('public.netiface_id_seq'::regclass);

ALTER TABLE ONLY public.outcall ALTER COLUMN id SET DEFAULT nextval('public.outcall_id_seq'::regclass);

ALTER TABLE ONLY public.paging ALTER COLUMN id SET DEFAULT nextval('public.paging_id_seq'::regclass);

ALTER TABLE ONLY public.phonebook ALTER COLUMN id SET DEFAULT nextval('public.phonebook_id_seq'::regclass);

ALTER TABLE ONLY public.phonebookaddress ALTER COLUMN id SET DEFAULT nextval('public.phonebookaddress_id_seq'::regclass);

ALTER TABLE ONLY public.phonebooknumber ALTER COLUMN id SET DEFAULT nextval('public.phonebooknumber_id_seq'::regclass);

ALTER TABLE ONLY public.provisioning ALTER COLUMN id SET DEFAULT nextval('public.provisioning_id_seq'::regclass);

ALTER TABLE ONLY public.queue_info ALTER COLUMN id SET DEFAULT nextval('public.queue_info_id_seq'::regclass);

ALTER TABLE ONLY public.queue_log ALTER COLUMN id SET DEFAULT nextval('public.queue_log_id_seq'::regclass);

ALTER TABLE ONLY public.queuefeatures ALTER COLUMN id SET DEFAULT nextval('public.queuefeatures_id_seq'::regclass);

ALTER TABLE ONLY public.queuepenalty ALTER COLUMN id SET DEFAULT nextval('public.queuepenalty_id_seq'::regclass);

ALTER TABLE ONLY public.queueskill ALTER COLUMN id SET DEFAULT nextval('public.queueskill_id_seq'::regclass);

ALTER TABLE ONLY public.queueskillcat ALTER COLUMN id SET DEFAULT nextval('public.queueskillcat_id_seq'::regclass);

ALTER TABLE ONLY public.queueskillrule ALTER COLUMN id SET DEFAULT nextval('public.queueskillrule_id_seq'::regclass);

ALTER TABLE ONLY public.record_campaign ALTER COLUMN id SET DEFAULT nextval('public.record_campaign_id_seq'::regclass);

ALTER TABLE ONLY public.resolvconf ALTER COLUMN id SET DEFAULT nextval('public.resolvconf_id_seq'::regclass);

ALTER TABLE ONLY public.rightcall ALTER COLUMN id SET DEFAULT nextval('public.rightcall_id_seq'::regclass);

ALTER TABLE ONLY public.rightcallexten ALTER COLUMN id SET DEFAULT nextval('public.rightcallexten_id_seq'::regclass);

ALTER TABLE ONLY public.rightcallmember ALTER COLUMN id SET DEFAULT nextval('public.rightcallmember_id_seq'::regclass);

ALTER TABLE ONLY public.sccpdevice ALTER COLUMN id SET DEFAULT nextval('public.sccpdevice_id_seq'::regclass);

ALTER TABLE ONLY public.sccpgeneralsettings ALTER COLUMN id SET DEFAULT nextval('public.sccpgeneralsettings_id_seq'::regclass);

ALTER TABLE ONLY public.sccpline ALTER COLUMN id SET DEFAULT nextval('public.sccpline_id_seq'::regclass);

ALTER TABLE ONLY public.schedule ALTER COLUMN id SET DEFAULT nextval('public.schedule_id_seq'::regclass);

ALTER TABLE ONLY public.schedule_time ALTER COLUMN id SET DEFAULT nextval('public.schedule_time_id_seq'::regclass);

ALTER TABLE ONLY public.serverfeatures ALTER COLUMN id SET DEFAULT nextval('public.serverfeatures_id_seq'::regclass);

ALTER TABLE ONLY public.sipauthentication ALTER COLUMN id SET DEFAULT nextval('public.sipauthentication_id_seq'::regclass);

ALTER TABLE ONLY public.stat_agent ALTER COLUMN id SET DEFAULT nextval('public.stat_agent_id_seq'::regclass);

ALTER TABLE ONLY public.stat_agent_periodic ALTER COLUMN id SET DEFAULT nextval('public.stat_agent_periodic_id_seq'::regclass);

ALTER TABLE ONLY public.stat_call_on_queue ALTER COLUMN id SET DEFAULT nextval('public.stat_call_on_queue_id_seq'::regclass);

ALTER TABLE ONLY public.stat_queue ALTER COLUMN id SET DEFAULT nextval('public.stat_queue_id_seq'::regclass);

ALTER TABLE ONLY public.stat_queue_periodic ALTER COLUMN id SET DEFAULT nextval('public.stat_queue_periodic_id_seq'::regclass);

ALTER TABLE ONLY public.staticiax ALTER COLUMN id SET DEFAULT nextval('public.staticiax_id_seq'::regclass);

ALTER TABLE ONLY public.staticmeetme ALTER COLUMN id SET DEFAULT nextval('public.staticmeetme_id_seq'::regclass);

ALTER TABLE ONLY public.staticqueue ALTER COLUMN id SET DEFAULT nextval('public.staticqueue_id_seq'::regclass);

ALTER TABLE ONLY public.staticsip ALTER COLUMN id SET DEFAULT nextval('public.staticsip_id_seq'::regclass);

ALTER TABLE ONLY public.staticvoicemail ALTER COLUMN id SET DEFAULT nextval('public.staticvoicemail_id_seq'::regclass);

ALTER TABLE ONLY public.stats_conf ALTER COLUMN id SET DEFAULT nextval('public.stats_conf_id_seq'::regclass);

ALTER TABLE ONLY public.trunkfeatures ALTER COLUMN id SET DEFAULT nextval('public.trunkfeatures_id_seq'::regclass);

ALTER TABLE ONLY public."user" ALTER COLUMN id SET DEFAULT nextval('public.user_id_seq'::regclass);

ALTER TABLE ONLY public.user_line ALTER COLUMN id SET DEFAULT nextval('public.user_line_id_seq'::regclass);

ALTER TABLE ONLY public.usercustom ALTER COLUMN id SET DEFAULT nextval('public.usercustom_id_seq'::regclass);

ALTER TABLE ONLY public.userfeatures ALTER COLUMN id SET DEFAULT nextval('public.userfeatures_id_seq'::regclass);

ALTER TABLE ONLY public.useriax ALTER COLUMN id SET DEFAULT nextval('public.useriax_id_seq'::regclass);

ALTER TABLE ONLY public.usersip ALTER COLUMN id SET DEFAULT nextval('public.usersip_id_seq'::regclass);

ALTER TABLE ONLY public.voicemail ALTER COLUMN uniqueid SET DEFAULT nextval('public.voicemail_uniqueid_seq'::regclass);

INSERT INTO public.agentglobalparams (id, category, option_name, option_value) VALUES
	(1, 'general', 'multiplelogin', 'no'),
	(2, 'general', 'persistentagents', 'yes'),
	(3, 'agents', 'autologoffunavail', 'no'),
	(4, 'agents', 'maxlogintries', '3'),
	(5, 'agents', 'endcall', 'no');

INSERT INTO public.agentgroup (id, groupid, name, groups, commented, deleted, description) VALUES
	(1, 1, 'default', '', 0, 0, '');

INSERT INTO public.contexttype (id, name, commented, deletable, description) VALUES
	(1, 'internal', 0, 0, ''),
	(2, 'incall', 0, 0, ''),
	(3, 'outcall', 0, 0, ''),
	(4, 'services', 0, 0, ''),
	(5, 'others', 0, 0, '');

INSERT INTO public.cti_preference (id, option) VALUES
	(1, 'loginwindow.url'),
	(2, 'xlet.identity.logagent'),
	(3, 'xlet.identity.pauseagent'),
	(4, 'xlet.agentdetails.noqueueaction'),
	(5, 'xlet.agentdetails.hideastid'),
	(6, 'xlet.agentdetails.hidecontext'),
	(7, 'xlet.agents.fontname'),
	(8, 'xlet.agents.fontsize'),
	(9, 'xlet.agents.iconsize'),
	(10, 'xlet.queues.statsfetchperiod'),
	(11, 'presence.autochangestate');

INSERT INTO public.cti_profile (id, name, presence_id, phonehints_id) VALUES
	(1, 'Supervisor', 1, 1),
	(2, 'Agent', 1, 1),
	(3, 'Client', 1, 1),
	(4, 'Switchboard', 1, 1);

INSERT INTO public.cti_profile_service (profile_id, service_id) VALUES
	(3, 5),
	(3, 6),
	(3, 7),
	(3, 8);

INSERT INTO public.cti_profile_xlet (xlet_id, profile_id, layout_id, closable, movable, floating, scrollable, "order") VALUES
	(1, 1, 2, true, true, true, true, 0),
	(15, 1, 1, true, true, true, true, NULL),
	(16, 1, 1, true, true, true, true, NULL),
	(17, 1, 1, true, true, true, true, NULL),
	(13, 1, 1, true, true, true, true, NULL),
	(14, 1, 1, true, true, true, true, NULL),
	(8, 1, 1, true, true, true, true, NULL),
	(1, 2, 2, true, true, true, true, 0),
	(15, 2, 1, true, true, true, true, NULL),
	(12, 2, 1, true, true, true, true, NULL),
	(14, 2, 1, true, true, true, true, NULL),
	(1, 3, 2, true, true, true, true, 0),
	(10, 3, 2, true, true, true, true, 1),
	(2, 3, 2, true, true, true, true, 2),
	(4, 3, 3, true, true, true, true, 0),
	(12, 3, 3, true, true, true, true, 1),
	(6, 3, 3, true, true, true, true, 2),
	(3, 3, 3, true, true, true, true, 3),
	(19, 3, 3, true, true, true, true, 4),
	(7, 3, 3, true, true, true, true, 5),
	(11, 3, 3, true, true, true, true, 6),
	(8, 3, 3, true, true, true, true, 7),
	(1, 4, 2, true, true, true, true, 0),
	(18, 4, 1, true, true, true, true, 1),
	(2, 4, 1, true, true, true, true, 2),
	(5, 4, 1, true, true, true, true, 3);

INSERT INTO public.cti_service (id, key) VALUES
	(1, 'enablevm'),
	(2, 'callrecord'),
	(3, 'incallrec'),
	(4, 'incallfilter'),
	(5, 'enablednd'),
	(6, 'fwdunc'),
	(7, 'fwdbusy'),
	(8, 'fwdrna');

INSERT INTO public.cti_xlet (id, plugin_name) VALUES
	(1, 'identity'),
	(2, 'dial'),
	(3, 'history'),
	(4, 'search'),
	(5, 'directory'),
	(6, 'fax'),
	(7, 'features'),
	(8, 'conference'),
	(9, 'datetime'),
	(10, 'tabber'),
	(11, 'mylocaldir'),
	(12, 'customerinfo'),
	(13, 'agents'),
	(14, 'agentdetails'),
	(15, 'queues'),
	(16, 'queuemembers'),
	(17, 'queueentrydetails'),
	(18, 'switchboard'),
	(19, 'remotedirectory'),
	(20, 'agentstatusdashboard');

INSERT INTO public.cti_xlet_layout (id, name) VALUES
	(1, 'dock'),
	(2, 'grid'),
	(3, 'tab');

INSERT INTO public.cticontexts (id, name, directories, display, description, deletable) VALUES
	(1, 'default', 'xivodir,internal', 'Display', 'Contexte par défaut', 1),
	(2, '__switchboard_directory', 'xivodir', 'switchboard', '', 1);

INSERT INTO public.ctidirectories (id, name, uri, delimiter, match_direct, match_reverse, description, deletable) VALUES
	(1, 'xivodir', 'phonebook', '', '["phonebook.firstname","phonebook.lastname","phonebook.displayname","phonebook.society","phonebooknumber.office.number"]', '["phonebooknumber.office.number","phonebooknumber.mobile.number"]', 'Répertoire XiVO Externe', 1),
	(2, 'internal', 'internal', '', '["userfeatures.firstname","userfeatures.lastname"]', '', 'Répertoire XiVO Interne', 1);

INSERT INTO public.ctidirectoryfields (dir_id, fieldname, value) VALUES
	(1, 'phone', 'phonebooknumber.office.number'),
	(1, 'firstname', 'phonebook.firstname'),
	(1, 'lastname', 'phonebook.lastname'),
	(1, 'fullname', 'phonebook.fullname'),
	(1, 'company', 'phonebook.society'),
	(1, 'mail', 'phonebook.email'),
	(1, 'reverse', 'phonebook.fullname'),
	(2, 'firstname', 'userfeatures.firstname'),
	(2, 'lastname', 'userfeatures.lastname'),
	(2, 'phone', 'extensions.exten');

INSERT INTO public.ctidisplays (id, name, data, deletable, description) VALUES
	(1, 'Display', '{"10": [ "Nom","","","{db-firstname} {db-lastname}" ],"20": [ "Numéro","phone","","{db-phone}" ],"30": [ "Entreprise","","Inconnue","{db-company}" ],"40": [ "E-mail","","","{db-mail}" ], "50": [ "Source","","","{xivo-directory}" ]}', 1, 'Affichage par défaut'),
	(2, 'switchboard', '{ "10": [ "", "status", "", ""],"20": [ "Name", "name", "", "{db-firstname} {db-lastname}"],"30": [ "Number", "number_office", "", "{db-phone}"]}', 1, '');

INSERT INTO public.ctimain (id, commandset, ami_ip, ami_port, ami_login, ami_password, cti_ip, cti_port, cti_active, ctis_ip, ctis_port, ctis_active, webi_ip, webi_port, webi_active, info_ip, info_port, info_active, tlscertfile, tlsprivkeyfile, socket_timeout, login_timeout, context_separation, live_reload_conf) VALUES
	(1, 'xivocti', '127.0.0.1', 5038, 'xivo_cti_user', 'phaickbebs9', '0.0.0.0', 5003, 1, '0.0.0.0', 5013, 0, '127.0.0.1', 5004, 1, '127.0.0.1', 5005, 1, '', '', 10, 5, 0, 1);

INSERT INTO public.ctiphonehints (id, idgroup, number, name, color) VALUES
	(1, 1, '-2', 'Inexistant', '#030303'),
	(2, 1, '-1', 'Désactivé', '#000000'),
	(3, 1, '0', 'Disponible', '#0DFF25'),
	(4, 1, '1', 'En ligne OU appelle', '#FF032D'),
	(5, 1, '2', 'Occupé', '#FF0008'),
	(6, 1, '4', 'Indisponible', '#FFFFFF'),
	(7, 1, '8', 'Sonne', '#1B0AFF'),
	(8, 1, '9', '(En Ligne OU Appelle) ET Sonne', '#FF0526'),
	(9, 1, '16', 'En Attente', '#F7FF05');

INSERT INTO public.ctiphonehintsgroup (id, name, description, deletable) VALUES
	(1, 'xivo', 'De base non supprimable', 0);

INSERT INTO public.ctipresences (id, name, description, deletable) VALUES
	(1, 'xivo', 'De base non supprimable', 0);

INSERT INTO public.ctireversedirectories (id, directories) VALUES
	(1, '["xivodir"]');

INSERT INTO public.ctisheetactions (id, name, description, whom, sheet_info, systray_info, sheet_qtui, action_info, focus, deletable, disable) VALUES
	(1, 'XiVO', 'Modèle de fiche de base.', 'dest', '{"10": [ "Nom","title","","{xivo-calleridname}",0 ],"20": [ "Numéro","text","","{xivo-calleridnum}",0 ],"30": [ "Origine","text","","{xivo-origin}",0 ]}', '{"10": [ "Nom","title","","{xivo-calledidname}" ],"20": [ "Numéro","body","","{xivo-calleridnum}" ],"30": [ "Origine","body","","{xivo-origin}" ]}', '', '{}', 0, 1, 1);

INSERT INTO public.ctisheetevents (id, incomingdid, hangup, dial, link, unlink) VALUES
	(1, '', '', 'XiVO', '', '');

INSERT INTO public.ctistatus (id, presence_id, name, display_name, actions, color, access_status, deletable) VALUES
	(1, 1, 'available', 'Disponible', 'enablednd(false)', '#08FD20', '1,2,3,4,5', 0),
	(2, 1, 'away', 'Sorti', 'enablednd(false)', '#FDE50A', '1,2,3,4,5', 1),
	(3, 1, 'outtolunch', 'Parti Manger', 'enablednd(false)', '#001AFF', '1,2,3,4,5', 1),
	(4, 1, 'donotdisturb', 'Ne pas déranger', 'enablednd(true)', '#FF032D', '1,2,3,4,5', 1),
	(5, 1, 'berightback', 'Bientôt de retour', 'enablednd(false)', '#FFB545', '1,2,3,4,5', 1),
	(6, 1, 'disconnected', 'Déconnecté', 'agentlogoff()', '#202020', '', 0);

INSERT INTO public.dhcp (id, active, pool_start, pool_end, extra_ifaces) VALUES
	(1, 0, '', '', '');

INSERT INTO public.directories (id, uri, dirtype, name, tablename, description) VALUES
	(1, 'internal', NULL, 'internal', '', 'XiVO internal users'),
	(2, 'phonebook', NULL, 'phonebook', '', 'XiVO phonebook');

INSERT INTO public.extensions (id, commented, context, exten, type, typeval) VALUES
	(1, 0, 'xivo-features', '_*31.', 'extenfeatures', 'agentstaticlogin'),
	(2, 0, 'xivo-features', '_*32.', 'extenfeatures', 'agentstaticlogoff'),
	(3, 0, 'xivo-features', '_*30.', 'extenfeatures', 'agentstaticlogtoggle'),
	(4, 0, 'xivo-features', '_*37.', 'extenfeatures', 'bsfilter'),
	(5, 0, 'xivo-features', '_*664.', 'extenfeatures', 'callgroup'),
	(6, 1, 'xivo-features', '*34', 'extenfeatures', 'calllistening'),
	(7, 0, 'xivo-features', '_*667.', 'extenfeatures', 'callmeetme'),
	(8, 0, 'xivo-features', '_*665.', 'extenfeatures', 'callqueue'),
	(9, 1, 'xivo-features', '*26', 'extenfeatures', 'callrecord'),
	(10, 0, 'xivo-features', '_*666.', 'extenfeatures', 'calluser'),
	(11, 0, 'xivo-features', '*36', 'extenfeatures', 'directoryaccess'),
	(12, 0, 'xivo-features', '*25', 'extenfeatures', 'enablednd'),
	(13, 0, 'xivo-features', '*90', 'extenfeatures', 'enablevm'),
	(14, 0, 'xivo-features', '_*90.', 'extenfeatures', 'enablevmslt'),
	(15, 0, 'xivo-features', '_*23.', 'extenfeatures', 'fwdbusy'),
	(16, 0, 'xivo-features', '_*22.', 'extenfeatures', 'fwdrna'),
	(17, 0, 'xivo-features', '_*21.', 'extenfeatures', 'fwdunc'),
	(18, 0, 'xivo-features', '*20', 'extenfeatures', 'fwdundoall'),
	(19, 0, 'xivo-features', '*48378', 'extenfeatures', 'autoprov'),
	(20, 0, 'xivo-features', '*27', 'extenfeatures', 'incallfilter'),
	(21, 0, 'xivo-features', '*10', 'extenfeatures', 'phonestatus'),
	(22, 0, 'xivo-features', '_*735.', 'extenfeatures', 'phoneprogfunckey'),
	(23, 0, 'xivo-features', '_*8.', 'extenfeatures', 'pickup'),
	(24, 0, 'xivo-features', '*9', 'extenfeatures', 'recsnd'),
	(25, 0, 'xivo-features', '_*99.', 'extenfeatures', 'vmboxmsgslt'),
	(26, 1, 'xivo-features', '_*93.', 'extenfeatures', 'vmboxpurgeslt'),
	(27, 0, 'xivo-features', '_*97.', 'extenfeatures', 'vmboxslt'),
	(28, 0, 'xivo-features', '*98', 'extenfeatures', 'vmusermsg'),
	(29, 1, 'xivo-features', '*92', 'extenfeatures', 'vmuserpurge'),
	(30, 1, 'xivo-features', '_*92.', 'extenfeatures', 'vmuserpurgeslt'),
	(31, 0, 'xivo-features', '_*96.', 'extenfeatures', 'vmuserslt'),
	(32, 0, 'xivo-features', '_*11.', 'extenfeatures', 'paging');

INSERT INTO public.features (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'features.conf', 'general', 'parkext', '700'),
	(2, 0, 0, 0, 'features.conf', 'general', 'parkpos', '701-750'),
	(3, 0, 0, 0, 'features.conf', 'general', 'context', 'parkedcalls'),
	(4, 0, 0, 1, 'features.conf', 'general', 'parkinghints', 'no'),
	(5, 0, 0, 1, 'features.conf', 'general', 'parkingtime', '45'),
	(6, 0, 0, 1, 'features.conf', 'general', 'comebacktoorigin', 'yes'),
	(7, 0, 0, 1, 'features.conf', 'general', 'courtesytone', NULL),
	(8, 0, 0, 1, 'features.conf', 'general', 'parkedplay', 'caller'),
	(9, 0, 0, 1, 'features.conf', 'general', 'parkedcalltransfers', 'no'),
	(10, 0, 0, 1, 'features.conf', 'general', 'parkedcallreparking', 'no'),
	(11, 0, 0, 1, 'features.conf', 'general', 'parkedcallhangup', 'no'),
	(12, 0, 0, 1, 'features.conf', 'general', 'parkedcallrecording', 'no'),
	(13, 0, 0, 1, 'features.conf', 'general', 'parkeddynamic', 'no'),
	(14, 0, 0, 1, 'features.conf', 'general', 'adsipark', 'no'),
	(15, 0, 0, 1, 'features.conf', 'general', 'findslot', 'next'),
	(16, 0, 0, 1, 'features.conf', 'general', 'parkedmusicclass', 'default'),
	(17, 0, 0, 1, 'features.conf', 'general', 'transferdigittimeout', '5'),
	(18, 0, 0, 1, 'features.conf', 'general', 'xfersound', NULL),
	(19, 0, 0, 1, 'features.conf', 'general', 'xferfailsound', NULL),
	(20, 0, 0, 1, 'features.conf', 'general', 'pickupexten', '*8'),
	(21, 0, 0, 1, 'features.conf', 'general', 'pickupsound', ''),
	(22, 0, 0, 1, 'features.conf', 'general', 'pickupfailsound', ''),
	(23, 0, 0, 1, 'features.conf', 'general', 'featuredigittimeout', '1500'),
	(24, 0, 0, 1, 'features.conf', 'general', 'atxfernoanswertimeout', '15'),
	(25, 0, 0, 1, 'features.conf', 'general', 'atxferdropcall', 'no'),
	(26, 0, 0, 1, 'features.conf', 'general', 'atxferloopdelay', '10'),
	(27, 0, 0, 1, 'features.conf', 'general', 'atxfercallbackretries', '2'),
	(28, 1, 0, 0, 'features.conf', 'featuremap', 'blindxfer', '*1'),
	(29, 1, 0, 0, 'features.conf', 'featuremap', 'disconnect', '*0'),
	(30, 1, 0, 0, 'features.conf', 'featuremap', 'automon', '*3'),
	(31, 1, 0, 0, 'features.conf', 'featuremap', 'atxfer', '*2');

INSERT INTO public.func_key_destination_type (id, name) VALUES
	(1, 'user'),
	(2, 'group'),
	(3, 'queue'),
	(4, 'conference');

INSERT INTO public.func_key_type (id, name) VALUES
	(1, 'speeddial');

INSERT INTO public.general (id, timezone, exchange_trunkid, exchange_exten, dundi) VALUES
	(1, 'Europe/Paris', NULL, NULL, 0);

INSERT INTO public.mail (id, mydomain, origin, relayhost, fallback_relayhost, canonical) VALUES
	(1, '', 'xivo-clients.proformatique.com', '', '', '');

INSERT INTO public.monitoring (id, maintenance, alert_emails, dahdi_monitor_ports, max_call_duration) VALUES
	(1, 0, NULL, NULL, NULL);

INSERT INTO public.musiconhold (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'musiconhold.conf', 'default', 'mode', 'files'),
	(2, 0, 0, 1, 'musiconhold.conf', 'default', 'application', ''),
	(3, 0, 0, 0, 'musiconhold.conf', 'default', 'random', 'no'),
	(4, 0, 0, 0, 'musiconhold.conf', 'default', 'directory', '/var/lib/xivo/moh/default');

INSERT INTO public.provisioning (id, net4_ip, net4_ip_rest, username, password, dhcp_integration, rest_port, http_port, private, secure) VALUES
	(1, '', '127.0.0.1', 'admin', 'admin', 0, 8666, 8667, 0, 0);

INSERT INTO public.resolvconf (id, hostname, domain, nameserver1, nameserver2, nameserver3, search, description) VALUES
	(1, '', '', NULL, NULL, NULL, NULL, '');

INSERT INTO public.sccpgeneralsettings (id, option_name, option_value) VALUES
	(1, 'directmedia', 'no'),
	(2, 'dialtimeout', '5'),
	(3, 'keepalive', '10'),
	(4, 'language', 'en_US'),
	(5, 'allow', '');

INSERT INTO public.staticiax (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'iax.conf', 'general', 'bindport', '4569'),
	(2, 0, 0, 0, 'iax.conf', 'general', 'bindaddr', '0.0.0.0'),
	(3, 0, 0, 0, 'iax.conf', 'general', 'iaxthreadcount', '10'),
	(4, 0, 0, 0, 'iax.conf', 'general', 'iaxmaxthreadcount', '100'),
	(5, 0, 0, 0, 'iax.conf', 'general', 'iaxcompat', 'no'),
	(6, 0, 0, 0, 'iax.conf', 'general', 'authdebug', 'yes'),
	(7, 0, 0, 0, 'iax.conf', 'general', 'delayreject', 'no'),
	(8, 0, 0, 0, 'iax.conf', 'general', 'trunkfreq', '20'),
	(9, 0, 0, 0, 'iax.conf', 'general', 'trunktimestamps', 'yes'),
	(10, 0, 0, 1, 'iax.conf', 'general', 'regcontext', NULL),
	(11, 0, 0, 0, 'iax.conf', 'general', 'minregexpire', '60'),
	(12, 0, 0, 0, 'iax.conf', 'general', 'maxregexpire', '60'),
	(13, 0, 0, 0, 'iax.conf', 'general', 'bandwidth', 'high'),
	(14, 0, 0, 1, 'iax.conf', 'general', 'tos', NULL),
	(15, 0, 0, 0, 'iax.conf', 'general', 'jitterbuffer', 'no'),
	(16, 0, 0, 0, 'iax.conf', 'general', 'forcejitterbuffer', 'no'),
	(17, 0, 0, 0, 'iax.conf', 'general', 'maxjitterbuffer', '1000'),
	(18, 0, 0, 0, 'iax.conf', 'general', 'maxjitterinterps', '10'),
	(19, 0, 0, 0, 'iax.conf', 'general', 'resyncthreshold', '1000'),
	(20, 0, 0, 1, 'iax.conf', 'general', 'accountcode', NULL),
	(21, 0, 0, 0, 'iax.conf', 'general', 'amaflags', 'default'),
	(22, 0, 0, 0, 'iax.conf', 'general', 'adsi', 'no'),
	(23, 0, 0, 0, 'iax.conf', 'general', 'transfer', 'yes'),
	(24, 0, 0, 0, 'iax.conf', 'general', 'language', 'fr_FR'),
	(25, 0, 0, 0, 'iax.conf', 'general', 'mohinterpret', 'default'),
	(26, 0, 0, 1, 'iax.conf', 'general', 'mohsuggest', NULL),
	(27, 0, 0, 0, 'iax.conf', 'general', 'encryption', 'no'),
	(28, 0, 0, 0, 'iax.conf', 'general', 'maxauthreq', '3'),
	(29, 0, 0, 0, 'iax.conf', 'general', 'codecpriority', 'host'),
	(30, 0, 0, 1, 'iax.conf', 'general', 'disallow', NULL),
	(31, 0, 0, 1, 'iax.conf', 'general', 'allow', NULL),
	(32, 0, 0, 0, 'iax.conf', 'general', 'rtcachefriends', 'yes'),
	(33, 0, 0, 0, 'iax.conf', 'general', 'rtupdate', 'yes'),
	(34, 0, 0, 0, 'iax.conf', 'general', 'rtignoreregexpire', 'yes'),
	(35, 0, 0, 0, 'iax.conf', 'general', 'rtautoclear', 'no'),
	(36, 0, 0, 0, 'iax.conf', 'general', 'pingtime', '20'),
	(37, 0, 0, 0, 'iax.conf', 'general', 'lagrqtime', '10'),
	(38, 0, 0, 0, 'iax.conf', 'general', 'nochecksums', 'no'),
	(39, 0, 0, 0, 'iax.conf', 'general', 'autokill', 'yes'),
	(40, 0, 0, 0, 'iax.conf', 'general', 'calltokenoptional', '0.0.0.0'),
	(41, 0, 0, 0, 'iax.conf', 'general', 'srvlookup', NULL),
	(42, 0, 0, 0, 'iax.conf', 'general', 'jittertargetextra', NULL),
	(43, 0, 0, 0, 'iax.conf', 'general', 'forceencryption', NULL),
	(44, 0, 0, 0, 'iax.conf', 'general', 'trunkmaxsize', NULL),
	(45, 0, 0, 0, 'iax.conf', 'general', 'trunkmtu', NULL),
	(46, 0, 0, 0, 'iax.conf', 'general', 'cos', NULL),
	(47, 0, 0, 0, 'iax.conf', 'general', 'allowfwdownload', NULL),
	(48, 0, 0, 0, 'iax.conf', 'general', 'parkinglot', NULL),
	(49, 0, 0, 0, 'iax.conf', 'general', 'maxcallnumbers', NULL),
	(50, 0, 0, 0, 'iax.conf', 'general', 'maxcallnumbers_nonvalidated', NULL),
	(51, 0, 0, 0, 'iax.conf', 'general', 'shrinkcallerid', NULL);

INSERT INTO public.staticmeetme (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'meetme.conf', 'general', 'audiobuffers', '32'),
	(2, 0, 0, 0, 'meetme.conf', 'general', 'schedule', 'yes'),
	(3, 0, 0, 0, 'meetme.conf', 'general', 'logmembercount', 'yes'),
	(4, 0, 0, 0, 'meetme.conf', 'general', 'fuzzystart', '300'),
	(5, 0, 0, 0, 'meetme.conf', 'general', 'earlyalert', '3600'),
	(6, 0, 0, 0, 'meetme.conf', 'general', 'endalert', '120');

INSERT INTO public.staticqueue (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'queues.conf', 'general', 'persistentmembers', 'yes'),
	(2, 0, 0, 0, 'queues.conf', 'general', 'autofill', 'no'),
	(3, 0, 0, 0, 'queues.conf', 'general', 'monitor-type', 'no'),
	(4, 0, 0, 0, 'queues.conf', 'general', 'updatecdr', 'no'),
	(5, 0, 0, 0, 'queues.conf', 'general', 'shared_lastcall', 'no');

INSERT INTO public.staticsip (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'sip.conf', 'general', 'bindport', '5060'),
	(2, 0, 0, 0, 'sip.conf', 'general', 'autocreatepeer', 'persist'),
	(3, 0, 0, 0, 'sip.conf', 'general', 'autocreate_context', 'xivo-initconfig'),
	(4, 0, 0, 0, 'sip.conf', 'general', 'autocreate_type', 'friend'),
	(5, 0, 0, 0, 'sip.conf', 'general', 'allowguest', 'no'),
	(6, 0, 0, 0, 'sip.conf', 'general', 'allowsubscribe', 'yes'),
	(7, 0, 0, 0, 'sip.conf', 'general', 'allowoverlap', 'yes'),
	(8, 0, 0, 0, 'sip.conf', 'general', 'promiscredir', 'no'),
	(9, 0, 0, 0, 'sip.conf', 'general', 'autodomain', 'no'),
	(10, 0, 0, 1, 'sip.conf', 'general', 'domain', NULL),
	(11, 0, 0, 0, 'sip.conf', 'general', 'allowexternaldomains', 'yes'),
	(12, 0, 0, 0, 'sip.conf', 'general', 'usereqphone', 'no'),
	(13, 0, 0, 0, 'sip.conf', 'general', 'realm', 'xivo'),
	(14, 0, 0, 0, 'sip.conf', 'general', 'alwaysauthreject', 'no'),
	(15, 0, 0, 0, 'sip.conf', 'general', 'useragent', 'XiVO PBX'),
	(16, 0, 0, 0, 'sip.conf', 'general', 'buggymwi', 'no'),
	(17, 0, 0, 1, 'sip.conf', 'general', 'regcontext', NULL),
	(18, 0, 0, 0, 'sip.conf', 'general', 'callerid', 'xivo'),
	(19, 0, 0, 1, 'sip.conf', 'general', 'fromdomain', NULL),
	(20, 0, 0, 0, 'sip.conf', 'general', 'sipdebug', 'no'),
	(21, 0, 0, 0, 'sip.conf', 'general', 'dumphistory', 'no'),
	(22, 0, 0, 0, 'sip.conf', 'general', 'recordhistory', 'no'),
	(23, 0, 0, 0, 'sip.conf', 'general', 'callevents', 'yes'),
	(24, 0, 0, 1, 'sip.conf', 'general', 'tos_sip', NULL),
	(25, 0, 0, 1, 'sip.conf', 'general', 'tos_audio', NULL),
	(26, 0, 0, 1, 'sip.conf', 'general', 'tos_video', NULL),
	(27, 0, 0, 0, 'sip.conf', 'general', 't38pt_udptl', 'no'),
	(28, 0, 0, 0, 'sip.conf', 'general', 't38pt_usertpsource', 'no'),
	(29, 0, 0, 1, 'sip.conf', 'general', 'localnet', NULL),
	(30, 0, 0, 1, 'sip.conf', 'general', 'externip', NULL),
	(31, 0, 0, 1, 'sip.conf', 'general', 'externhost', NULL),
	(32, 0, 0, 0, 'sip.conf', 'general', 'externrefresh', '10'),
	(33, 0, 0, 0, 'sip.conf', 'general', 'matchexterniplocally', 'no'),
	(34, 0, 0, 1, 'sip.conf', 'general', 'outboundproxy', NULL),
	(35, 0, 0, 0, 'sip.conf', 'general', 'g726nonstandard', 'no'),
	(36, 0, 0, 1, 'sip.conf', 'general', 'disallow', NULL),
	(37, 0, 0, 1, 'sip.conf', 'general', 'allow', NULL),
	(38, 0, 0, 0, 'sip.conf', 'general', 't1min', '100'),
	(39, 0, 0, 0, 'sip.conf', 'general', 'relaxdtmf', 'no'),
	(40, 0, 0, 0, 'sip.conf', 'general', 'rfc2833compensate', 'no'),
	(41, 0, 0, 0, 'sip.conf', 'general', 'compactheaders', 'no'),
	(42, 0, 0, 0, 'sip.conf', 'general', 'rtptimeout', '0'),
	(43, 0, 0, 0, 'sip.conf', 'general', 'rtpholdtimeout', '0'),
	(44, 0, 0, 0, 'sip.conf', 'general', 'rtpkeepalive', '0'),
	(45, 0, 0, 0, 'sip.conf', 'general', 'directrtpsetup', 'no'),
	(46, 0, 0, 0, 'sip.conf', 'general', 'notifymimetype', 'application/simple-message-summary'),
	(47, 0, 0, 0, 'sip.conf', 'general', 'srvlookup', 'no'),
	(48, 0, 0, 0, 'sip.conf', 'general', 'pedantic', 'no'),
	(49, 0, 0, 0, 'sip.conf', 'general', 'minexpiry', '60'),
	(50, 0, 0, 0, 'sip.conf', 'general', 'maxexpiry', '3600'),
	(51, 0, 0, 0, 'sip.conf', 'general', 'defaultexpiry', '120'),
	(52, 0, 0, 0, 'sip.conf', 'general', 'registertimeout', '20'),
	(53, 0, 0, 0, 'sip.conf', 'general', 'registerattempts', '0'),
	(54, 0, 0, 0, 'sip.conf', 'general', 'notifyringing', 'yes'),
	(55, 0, 0, 0, 'sip.conf', 'general', 'notifyhold', 'no'),
	(56, 0, 0, 0, 'sip.conf', 'general', 'allowtransfer', 'yes'),
	(57, 0, 0, 0, 'sip.conf', 'general', 'maxcallbitrate', '384'),
	(58, 0, 0, 0, 'sip.conf', 'general', 'autoframing', 'yes'),
	(59, 0, 0, 0, 'sip.conf', 'general', 'jbenable', 'no'),
	(60, 0, 0, 0, 'sip.conf', 'general', 'jbforce', 'no'),
	(61, 0, 0, 0, 'sip.conf', 'general', 'jbmaxsize', '200'),
	(62, 0, 0, 0, 'sip.conf', 'general', 'jbresyncthreshold', '1000'),
	(63, 0, 0, 0, 'sip.conf', 'general', 'jbimpl', 'fixed'),
	(64, 0, 0, 0, 'sip.conf', 'general', 'jblog', 'no'),
	(65, 0, 0, 1, 'sip.conf', 'general', 'context', NULL),
	(66, 0, 0, 0, 'sip.conf', 'general', 'nat', 'no'),
	(67, 0, 0, 0, 'sip.conf', 'general', 'dtmfmode', 'info'),
	(68, 0, 0, 0, 'sip.conf', 'general', 'qualify', 'no'),
	(69, 0, 0, 0, 'sip.conf', 'general', 'useclientcode', 'no'),
	(70, 0, 0, 0, 'sip.conf', 'general', 'progressinband', 'never'),
	(71, 0, 0, 0, 'sip.conf', 'general', 'language', 'fr_FR'),
	(72, 0, 0, 0, 'sip.conf', 'general', 'mohinterpret', 'default'),
	(73, 0, 0, 1, 'sip.conf', 'general', 'mohsuggest', NULL),
	(74, 0, 0, 0, 'sip.conf', 'general', 'vmexten', '*98'),
	(75, 0, 0, 0, 'sip.conf', 'general', 'trustrpid', 'no'),
	(76, 0, 0, 0, 'sip.conf', 'general', 'sendrpid', 'no'),
	(77, 0, 0, 0, 'sip.conf', 'general', 'insecure', 'no'),
	(78, 0, 0, 0, 'sip.conf', 'general', 'rtcachefriends', 'no'),
	(79, 0, 0, 0, 'sip.conf', 'general', 'rtupdate', 'no'),
	(80, 0, 0, 0, 'sip.conf', 'general', 'ignoreregexpire', 'no'),
	(81, 0, 0, 0, 'sip.conf', 'general', 'rtsavesysname', 'no'),
	(82, 0, 0, 0, 'sip.conf', 'general', 'rtautoclear', 'no'),
	(83, 0, 0, 1, 'sip.conf', 'general', 'subscribecontext', NULL),
	(84, 0, 0, 0, 'sip.conf', 'general', 'match_auth_username', 'no'),
	(85, 0, 0, 0, 'sip.conf', 'general', 'udpbindaddr', '0.0.0.0'),
	(86, 0, 0, 0, 'sip.conf', 'general', 'tcpenable', 'no'),
	(87, 0, 0, 0, 'sip.conf', 'general', 'tcpbindaddr', NULL),
	(88, 0, 0, 0, 'sip.conf', 'general', 'tlsenable', 'no'),
	(89, 0, 0, 0, 'sip.conf', 'general', 'tlsbindaddr', NULL),
	(90, 0, 0, 0, 'sip.conf', 'general', 'tlscertfile', NULL),
	(91, 0, 0, 0, 'sip.conf', 'general', 'tlscafile', NULL),
	(92, 0, 0, 0, 'sip.conf', 'general', 'tlscadir', '/var/lib/asterisk/certs/cadir'),
	(93, 0, 0, 0, 'sip.conf', 'general', 'tlsdontverifyserver', 'no'),
	(94, 0, 0, 0, 'sip.conf', 'general', 'tlscipher', NULL),
	(95, 0, 0, 0, 'sip.conf', 'general', 'tos_text', NULL),
	(96, 0, 0, 0, 'sip.conf', 'general', 'cos_sip', NULL),
	(97, 0, 0, 0, 'sip.conf', 'general', 'cos_audio', NULL),
	(98, 0, 0, 0, 'sip.conf', 'general', 'cos_video', NULL),
	(99, 0, 0, 0, 'sip.conf', 'general', 'cos_text', NULL),
	(100, 0, 0, 0, 'sip.conf', 'general', 'mwiexpiry', '3600'),
	(101, 0, 0, 0, 'sip.conf', 'general', 'qualifyfreq', '60'),
	(102, 0, 0, 0, 'sip.conf', 'general', 'qualifygap', '100'),
	(103, 0, 0, 0, 'sip.conf', 'general', 'qualifypeers', '1'),
	(104, 0, 0, 0, 'sip.conf', 'general', 'parkinglot', NULL),
	(105, 0, 0, 0, 'sip.conf', 'general', 'permaturemedia', NULL),
	(106, 0, 0, 0, 'sip.conf', 'general', 'sdpsession', NULL),
	(107, 0, 0, 0, 'sip.conf', 'general', 'sdpowner', NULL),
	(108, 0, 0, 0, 'sip.conf', 'general', 'authfailureevents', 'no'),
	(109, 0, 0, 0, 'sip.conf', 'general', 'dynamic_exclude_static', 'no'),
	(110, 0, 0, 0, 'sip.conf', 'general', 'contactdeny', NULL),
	(111, 0, 0, 0, 'sip.conf', 'general', 'contactpermit', NULL),
	(112, 0, 0, 0, 'sip.conf', 'general', 'shrinkcallerid', 'yes'),
	(113, 0, 0, 0, 'sip.conf', 'general', 'regextenonqualify', 'no'),
	(114, 0, 0, 0, 'sip.conf', 'general', 'timer1', '500'),
	(115, 0, 0, 0, 'sip.conf', 'general', 'timerb', '32000'),
	(116, 0, 0, 0, 'sip.conf', 'general', 'session-timers', NULL),
	(117, 0, 0, 0, 'sip.conf', 'general', 'session-expires', '600'),
	(118, 0, 0, 0, 'sip.conf', 'general', 'session-minse', '90'),
	(119, 0, 0, 0, 'sip.conf', 'general', 'session-refresher', 'uas'),
	(120, 0, 0, 0, 'sip.conf', 'general', 'hash_users', NULL),
	(121, 0, 0, 0, 'sip.conf', 'general', 'hash_peers', NULL),
	(122, 0, 0, 0, 'sip.conf', 'general', 'hash_dialogs', NULL),
	(123, 0, 0, 0, 'sip.conf', 'general', 'notifycid', 'no'),
	(124, 0, 0, 0, 'sip.conf', 'general', 'callcounter', 'no'),
	(125, 0, 0, 0, 'sip.conf', 'general', 'stunaddr', NULL),
	(126, 0, 0, 0, 'sip.conf', 'general', 'directmedia', 'no'),
	(127, 0, 0, 0, 'sip.conf', 'general', 'ignoresdpversion', 'no'),
	(128, 0, 0, 0, 'sip.conf', 'general', 'jbtargetextra', NULL),
	(129, 0, 0, 0, 'sip.conf', 'general', 'encryption', 'no'),
	(130, 0, 0, 0, 'sip.conf', 'general', 'externtcpport', NULL),
	(131, 0, 0, 0, 'sip.conf', 'general', 'externtlsport', NULL),
	(132, 0, 0, 0, 'sip.conf', 'general', 'media_address', NULL),
	(133, 0, 0, 0, 'sip.conf', 'general', 'use_q850_reason', 'no'),
	(134, 0, 0, 0, 'sip.conf', 'general', 'snom_aoc_enabled', 'no'),
	(135, 0, 0, 0, 'sip.conf', 'general', 'subscribe_network_change_event', 'yes'),
	(136, 0, 0, 0, 'sip.conf', 'general', 'maxforwards', NULL),
	(137, 0, 0, 0, 'sip.conf', 'general', 'disallowed_methods', NULL),
	(138, 0, 0, 0, 'sip.conf', 'general', 'domainsasrealm', NULL),
	(139, 0, 0, 0, 'sip.conf', 'general', 'textsupport', NULL),
	(140, 0, 0, 0, 'sip.conf', 'general', 'videosupport', NULL),
	(141, 0, 0, 0, 'sip.conf', 'general', 'auth_options_requests', 'no'),
	(142, 0, 0, 0, 'sip.conf', 'general', 'transport', 'udp'),
	(143, 0, 0, 0, 'sip.conf', 'general', 'prematuremedia', 'no');

INSERT INTO public.staticvoicemail (id, cat_metric, var_metric, commented, filename, category, var_name, var_val) VALUES
	(1, 0, 0, 0, 'voicemail.conf', 'general', 'maxmsg', '100'),
	(2, 0, 0, 0, 'voicemail.conf', 'general', 'silencethreshold', '256'),
	(3, 0, 0, 0, 'voicemail.conf', 'general', 'minsecs', '0'),
	(4, 0, 0, 0, 'voicemail.conf', 'general', 'maxsecs', '0'),
	(5, 0, 0, 0, 'voicemail.conf', 'general', 'maxsilence', '15'),
	(6, 0, 0, 0, 'voicemail.conf', 'general', 'review', 'yes'),
	(7, 0, 0, 0, 'voicemail.conf', 'general', 'operator', 'yes'),
	(8, 0, 0, 0, 'voicemail.conf', 'general', 'format', 'wav'),
	(9, 0, 0, 0, 'voicemail.conf', 'general', 'maxlogins', '3'),
	(10, 0, 0, 0, 'voicemail.conf', 'general', 'envelope', 'yes'),
	(11, 0, 0, 0, 'voicemail.conf', 'general', 'saycid', 'no'),
	(12, 0, 0, 1, 'voicemail.conf', 'general', 'cidinternalcontexts', NULL),
	(13, 0, 0, 0, 'voicemail.conf', 'general', 'sayduration', 'yes'),
	(14, 0, 0, 0, 'voicemail.conf', 'general', 'saydurationm', '2'),
	(15, 0, 0, 0, 'voicemail.conf', 'general', 'forcename', 'no'),
	(16, 0, 0, 0, 'voicemail.conf', 'general', 'forcegreetings', 'no'),
	(17, 0, 0, 0, 'voicemail.conf', 'general', 'tempgreetwarn', 'yes'),
	(18, 0, 0, 0, 'voicemail.conf', 'general', 'maxgreet', '0'),
	(19, 0, 0, 0, 'voicemail.conf', 'general', 'skipms', '3000'),
	(20, 0, 0, 0, 'voicemail.conf', 'general', 'sendvoicemail', 'no'),
	(21, 0, 0, 0, 'voicemail.conf', 'general', 'usedirectory', 'yes'),
	(22, 0, 0, 0, 'voicemail.conf', 'general', 'nextaftercmd', 'yes'),
	(23, 0, 0, 1, 'voicemail.conf', 'general', 'dialout', NULL),
	(24, 0, 0, 1, 'voicemail.conf', 'general', 'callback', NULL),
	(25, 0, 0, 1, 'voicemail.conf', 'general', 'exitcontext', NULL),
	(26, 0, 0, 0, 'voicemail.conf', 'general', 'attach', 'yes'),
	(27, 0, 0, 0, 'voicemail.conf', 'general', 'volgain', '0'),
	(28, 0, 0, 0, 'voicemail.conf', 'general', 'mailcmd', '/usr/sbin/sendmail -t'),
	(29, 0, 0, 0, 'voicemail.conf', 'general', 'serveremail', 'xivo'),
	(30, 0, 0, 0, 'voicemail.conf', 'general', 'charset', 'UTF-8'),
	(31, 0, 0, 0, 'voicemail.conf', 'general', 'fromstring', 'XiVO PBX'),
	(32, 0, 0, 0, 'voicemail.conf', 'general', 'emaildateformat', '%Y-%m-%d à %H:%M:%S'),
	(33, 0, 0, 0, 'voicemail.conf', 'general', 'pbxskip', 'no'),
	(34, 0, 0, 0, 'voicemail.conf', 'general', 'emailsubject', 'Messagerie XiVO'),
	(35, 0, 0, 0, 'voicemail.conf', 'general', 'emailbody', 'Bonjour ${VM_NAME},

Vous avez reçu un message d''une durée de ${VM_DUR} minute(s), il vous reste actuellement ${VM_MSGNUM} message(s) non lu(s) sur votre messagerie vocale : ${VM_MAILBOX}.

Le dernier a été envoyé par ${VM_CALLERID}, le ${VM_DATE}. Si vous le souhaitez vous pouvez l''écouter ou le consulter en tapant le *98 sur votre téléphone.

Merci.

-- Messagerie XiVO --'),
	(36, 0, 0, 0, 'voicemail.conf', 'general', 'pagerfromstring', 'XiVO PBX'),
	(37, 0, 0, 1, 'voicemail.conf', 'general', 'pagersubject', NULL),
	(38, 0, 0, 1, 'voicemail.conf', 'general', 'pagerbody', NULL),
	(39, 0, 0, 0, 'voicemail.conf', 'general', 'adsifdn', '0000000F'),
	(40, 0, 0, 0, 'voicemail.conf', 'general', 'adsisec', '9BDBF7AC'),
	(41, 0, 0, 0, 'voicemail.conf', 'general', 'adsiver', '1'),
	(42, 0, 0, 0, 'voicemail.conf', 'general', 'searchcontexts', 'no'),
	(43, 0, 0, 0, 'voicemail.conf', 'general', 'externpass', '/usr/share/asterisk/bin/change-pass-vm'),
	(44, 0, 0, 1, 'voicemail.conf', 'general', 'externnotify', NULL),
	(45, 0, 0, 1, 'voicemail.conf', 'general', 'smdiport', NULL),
	(46, 0, 0, 1, 'voicemail.conf', 'general', 'odbcstorage', NULL),
	(47, 0, 0, 1, 'voicemail.conf', 'general', 'odbctable', NULL),
	(48, 1, 0, 0, 'voicemail.conf', 'zonemessages', 'eu-fr', 'Europe/Paris|''vm-received'' q ''digits/at'' kM'),
	(49, 0, 0, 1, 'voicemail.conf', 'general', 'moveheard', NULL),
	(50, 0, 0, 1, 'voicemail.conf', 'general', 'forward_urgent_auto', NULL),
	(51, 0, 0, 1, 'voicemail.conf', 'general', 'userscontext', NULL),
	(52, 0, 0, 1, 'voicemail.conf', 'general', 'smdienable', NULL),
	(53, 0, 0, 1, 'voicemail.conf', 'general', 'externpassnotify', NULL),
	(54, 0, 0, 1, 'voicemail.conf', 'general', 'externpasscheck', NULL),
	(55, 0, 0, 1, 'voicemail.conf', 'general', 'directoryinfo', NULL),
	(56, 0, 0, 1, 'voicemail.conf', 'general', 'pollmailboxes', NULL),
	(57, 0, 0, 1, 'voicemail.conf', 'general', 'pollfreq', NULL),
	(58, 0, 0, 1, 'voicemail.conf', 'general', 'imapgreetings', NULL),
	(59, 0, 0, 1, 'voicemail.conf', 'general', 'greetingsfolder', NULL),
	(60, 0, 0, 1, 'voicemail.conf', 'general', 'imapparentfolder', NULL),
	(61, 0, 0, 1, 'voicemail.conf', 'general', 'tz', NULL),
	(62, 0, 0, 1, 'voicemail.conf', 'general', 'hidefromdir', NULL),
	(63, 0, 0, 1, 'voicemail.conf', 'general', 'messagewrap', NULL),
	(64, 0, 0, 1, 'voicemail.conf', 'general', 'minpassword', NULL),
	(65, 0, 0, 1, 'voicemail.conf', 'general', 'vm-password', NULL),
	(66, 0, 0, 1, 'voicemail.conf', 'general', 'vm-newpassword', NULL),
	(67, 0, 0, 1, 'voicemail.conf', 'general', 'vm-passchanged', NULL),
	(68, 0, 0, 1, 'voicemail.conf', 'general', 'vm-reenterpassword', NULL),
	(69, 0, 0, 1, 'voicemail.conf', 'general', 'vm-mismatch', NULL),
	(70, 0, 0, 1, 'voicemail.conf', 'general', 'vm-invalid-password', NULL),
	(71, 0, 0, 1, 'voicemail.conf', 'general', 'vm-pls-try-again', NULL),
	(72, 0, 0, 1, 'voicemail.conf', 'general', 'listen-control-forward-key', NULL),
	(73, 0, 0, 1, 'voicemail.conf', 'general', 'listen-control-reverse-key', NULL),
	(74, 0, 0, 1, 'voicemail.conf', 'general', 'listen-control-pause-key', NULL),
	(75, 0, 0, 1, 'voicemail.conf', 'general', 'listen-control-restart-key', NULL),
	(76, 0, 0, 1, 'voicemail.conf', 'general', 'listen-control-stop-key', NULL),
	(77, 0, 0, 1, 'voicemail.conf', 'general', 'backupdeleted', NULL);

INSERT INTO public."user" (id, entity_id, login, passwd, meta, valid, "time", dcreate, dupdate, obj) VALUES
	(1, NULL, 'root', 'proformatique', 'root', 1, 0, EXTRACT(EPOCH FROM now())::integer, 0, '');

SELECT pg_catalog.setval('public.accessfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.accesswebservice_id_seq', 1, false);

SELECT pg_catalog.setval('public.agentfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.agentglobalparams_id_seq', 5, true);

SELECT pg_catalog.setval('public.agentgroup_id_seq', 1, true);

SELECT pg_catalog.setval('public.attachment_id_seq', 1, false);

SELECT pg_catalog.setval('public.call_log_id_seq', 1, false);

SELECT pg_catalog.setval('public.callfilter_id_seq', 1, false);

SELECT pg_catalog.setval('public.callfiltermember_id_seq', 1, false);

SELECT pg_catalog.setval('public.cel_id_seq', 1, false);

SELECT pg_catalog.setval('public.contexttype_id_seq', 5, true);

SELECT pg_catalog.setval('public.cti_preference_id_seq', 11, true);

SELECT pg_catalog.setval('public.cti_profile_id_seq', 4, true);

SELECT pg_catalog.setval('public.cti_service_id_seq', 8, true);

SELECT pg_catalog.setval('public.cti_xlet_id_seq', 20, true);

SELECT pg_catalog.setval('public.cti_xlet_layout_id_seq', 3, true);

SELECT pg_catalog.setval('public.cticontexts_id_seq', 2, true);

SELECT pg_catalog.setval('public.ctidirectories_id_seq', 2, true);

SELECT pg_catalog.setval('public.ctidisplays_id_seq', 2, true);

SELECT pg_catalog.setval('public.ctilog_id_seq', 1, false);

SELECT pg_catalog.setval('public.ctimain_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctiphonehints_id_seq', 9, true);

SELECT pg_catalog.setval('public.ctiphonehintsgroup_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctipresences_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctireversedirectories_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctisheetactions_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctisheetevents_id_seq', 1, true);

SELECT pg_catalog.setval('public.ctistatus_id_seq', 6, true);

SELECT pg_catalog.setval('public.dhcp_id_seq', 1, true);

SELECT pg_catalog.setval('public.dialpattern_id_seq', 1, false);

SELECT pg_catalog.setval('public.directories_id_seq', 2, true);

SELECT pg_catalog.setval('public.entity_id_seq', 1, false);

SELECT pg_catalog.setval('public.extensions_id_seq', 32, true);

SELECT pg_catalog.setval('public.features_id_seq', 31, true);

SELECT pg_catalog.setval('public.func_key_destination_type_id_seq', 1, false);

SELECT pg_catalog.setval('public.func_key_id_seq', 1, false);

SELECT pg_catalog.setval('public.func_key_template_id_seq', 1, false);

SELECT pg_catalog.setval('public.func_key_type_id_seq', 1, true);

SELECT pg_catalog.setval('public.general_id_seq', 1, true);

SELECT pg_catalog.setval('public.groupfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.iaxcallnumberlimits_id_seq', 1, false);

SELECT pg_catalog.setval('public.incall_id_seq', 1, false);

SELECT pg_catalog.setval('public.ldapfilter_id_seq', 1, false);

SELECT pg_catalog.setval('public.ldapserver_id_seq', 1, false);

SELECT pg_catalog.setval('public.linefeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.mail_id_seq', 1, true);

SELECT pg_catalog.setval('public.meetmefeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.meetmeguest_id_seq', 1, false);

SELECT pg_catalog.setval('public.monitoring_id_seq', 1, true);

SELECT pg_catalog.setval('public.musiconhold_id_seq', 4, true);

SELECT pg_catalog.setval('public.netiface_id_seq', 1, false);

SELECT pg_catalog.setval('public.outcall_id_seq', 1, false);

SELECT pg_catalog.setval('public.paging_id_seq', 1, false);

SELECT pg_catalog.setval('public.phonebook_id_seq', 1, false);

SELECT pg_catalog.setval('public.phonebookaddress_id_seq', 1, false);

SELECT pg_catalog.setval('public.phonebooknumber_id_seq', 1, false);

SELECT pg_catalog.setval('public.provisioning_id_seq', 1, true);

SELECT pg_catalog.setval('public.queue_info_id_seq', 1, false);

SELECT pg_catalog.setval('public.queue_log_id_seq', 1, false);

SELECT pg_catalog.setval('public.queuefeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.queuepenalty_id_seq', 1, false);

SELECT pg_catalog.setval('public.queueskill_id_seq', 1, false);

SELECT pg_catalog.setval('public.queueskillcat_id_seq', 1, false);

SELECT pg_catalog.setval('public.queueskillrule_id_seq', 1, false);

SELECT pg_catalog.setval('public.record_campaign_id_seq', 1, false);

SELECT pg_catalog.setval('public.resolvconf_id_seq', 1, true);

SELECT pg_catalog.setval('public.rightcall_id_seq', 1, false);

SELECT pg_catalog.setval('public.rightcallexten_id_seq', 1, false);

SELECT pg_catalog.setval('public.rightcallmember_id_seq', 1, false);

SELECT pg_catalog.setval('public.sccpdevice_id_seq', 1, false);

SELECT pg_catalog.setval('public.sccpgeneralsettings_id_seq', 5, true);

SELECT pg_catalog.setval('public.sccpline_id_seq', 1, false);

SELECT pg_catalog.setval('public.schedule_id_seq', 1, false);

SELECT pg_catalog.setval('public.schedule_time_id_seq', 1, false);

SELECT pg_catalog.setval('public.serverfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.sipauthentication_id_seq', 1, false);

SELECT pg_catalog.setval('public.stat_agent_id_seq', 1, false);

SELECT pg_catalog.setval('public.stat_agent_periodic_id_seq', 1, false);

SELECT pg_catalog.setval('public.stat_call_on_queue_id_seq', 1, false);

SELECT pg_catalog.setval('public.stat_queue_id_seq', 1, false);

SELECT pg_catalog.setval('public.stat_queue_periodic_id_seq', 1, false);

SELECT pg_catalog.setval('public.staticiax_id_seq', 51, true);

SELECT pg_catalog.setval('public.staticmeetme_id_seq', 6, true);

SELECT pg_catalog.setval('public.staticqueue_id_seq', 5, true);

SELECT pg_catalog.setval('public.staticsip_id_seq', 143, true);

SELECT pg_catalog.setval('public.staticvoicemail_id_seq', 77, true);

SELECT pg_catalog.setval('public.stats_conf_id_seq', 1, false);

SELECT pg_catalog.setval('public.trunkfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.user_id_seq', 1, true);

SELECT pg_catalog.setval('public.user_line_id_seq', 1, false);

SELECT pg_catalog.setval('public.usercustom_id_seq', 1, false);

SELECT pg_catalog.setval('public.userfeatures_id_seq', 1, false);

SELECT pg_catalog.setval('public.useriax_id_seq', 1, false);

SELECT pg_catalog.setval('public.usersip_id_seq', 1, false);

SELECT pg_catalog.setval('public.voicemail_uniqueid_seq', 1, false);

ALTER TABLE ONLY public.accessfeatures
    ADD CONSTRAINT accessfeatures_host_feature_key UNIQUE (host, feature);

ALTER TABLE ONLY public.accessfeatures
    ADD CONSTRAINT accessfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.accesswebservice
    ADD CONSTRAINT accesswebservice_name_key UNIQUE (name);

ALTER TABLE ONLY public.accesswebservice
    ADD CONSTRAINT accesswebservice_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.agent_login_status
    ADD CONSTRAINT agent_login_status_extension_context_key UNIQUE (extension, context);

ALTER TABLE ONLY public.agent_login_status
    ADD CONSTRAINT agent_login_status_interface_key UNIQUE (interface);

ALTER TABLE ONLY public.agent_login_status
    ADD CONSTRAINT agent_login_status_pkey PRIMARY KEY (agent_id);

ALTER TABLE ONLY public.agent_membership_status
    ADD CONSTRAINT agent_membership_status_pkey PRIMARY KEY (agent_id, queue_id);

ALTER TABLE ONLY public.agentfeatures
    ADD CONSTRAINT agentfeatures_number_key UNIQUE (number);

ALTER TABLE ONLY public.agentfeatures
    ADD CONSTRAINT agentfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.agentglobalparams
    ADD CONSTRAINT agentglobalparams_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.agentgroup
    ADD CONSTRAINT agentgroup_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.agentqueueskill
    ADD CONSTRAINT agentqueueskill_pkey PRIMARY KEY (agentid, skillid);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_object_type_object_id_key UNIQUE (object_type, object_id);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.call_log
    ADD CONSTRAINT call_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.callerid
    ADD CONSTRAINT callerid_pkey PRIMARY KEY (type, typeval);

ALTER TABLE ONLY public.callfilter
    ADD CONSTRAINT callfilter_name_key UNIQUE (name);

ALTER TABLE ONLY public.callfilter
    ADD CONSTRAINT callfilter_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.callfiltermember
    ADD CONSTRAINT callfiltermember_callfilterid_type_typeval_key UNIQUE (callfilterid, type, typeval);

ALTER TABLE ONLY public.callfiltermember
    ADD CONSTRAINT callfiltermember_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cel
    ADD CONSTRAINT cel_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.context
    ADD CONSTRAINT context_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.contextinclude
    ADD CONSTRAINT contextinclude_pkey PRIMARY KEY (context, include);

ALTER TABLE ONLY public.contextmember
    ADD CONSTRAINT contextmember_pkey PRIMARY KEY (context, type, typeval, varname);

ALTER TABLE ONLY public.contextnumbers
    ADD CONSTRAINT contextnumbers_pkey PRIMARY KEY (context, type, numberbeg, numberend);

ALTER TABLE ONLY public.contexttype
    ADD CONSTRAINT contexttype_name_key UNIQUE (name);

ALTER TABLE ONLY public.contexttype
    ADD CONSTRAINT contexttype_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cti_preference
    ADD CONSTRAINT cti_preference_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cti_profile
    ADD CONSTRAINT cti_profile_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cti_profile_preference
    ADD CONSTRAINT cti_profile_preference_pkey PRIMARY KEY (profile_id, preference_id);

ALTER TABLE ONLY public.cti_profile_service
    ADD CONSTRAINT cti_profile_service_pkey PRIMARY KEY (profile_id, service_id);

ALTER TABLE ONLY public.cti_profile_xlet
    ADD CONSTRAINT cti_profile_xlet_pkey PRIMARY KEY (xlet_id, profile_id);

ALTER TABLE ONLY public.cti_service
    ADD CONSTRAINT cti_service_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cti_xlet_layout
    ADD CONSTRAINT cti_xlet_layout_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cti_xlet
    ADD CONSTRAINT cti_xlet_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cticontexts
    ADD CONSTRAINT cticontexts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctidirectories
    ADD CONSTRAINT ctidirectories_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctidirectoryfields
    ADD CONSTRAINT ctidirectoryfields_pkey PRIMARY KEY (dir_id, fieldname);

ALTER TABLE ONLY public.ctidisplays
    ADD CONSTRAINT ctidisplays_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctilog
    ADD CONSTRAINT ctilog_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctimain
    ADD CONSTRAINT ctimain_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctiphonehints
    ADD CONSTRAINT ctiphonehints_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctiphonehintsgroup
    ADD CONSTRAINT ctiphonehintsgroup_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctipresences
    ADD CONSTRAINT ctipresences_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctireversedirectories
    ADD CONSTRAINT ctireversedirectories_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctisheetactions
    ADD CONSTRAINT ctisheetactions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctisheetevents
    ADD CONSTRAINT ctisheetevents_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctistatus
    ADD CONSTRAINT ctistatus_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ctistatus
    ADD CONSTRAINT ctistatus_presence_id_name_key UNIQUE (presence_id, name);

ALTER TABLE ONLY public.dhcp
    ADD CONSTRAINT dhcp_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.dialaction
    ADD CONSTRAINT dialaction_pkey PRIMARY KEY (event, category, categoryval);

ALTER TABLE ONLY public.dialpattern
    ADD CONSTRAINT dialpattern_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.directories
    ADD CONSTRAINT directories_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.entity
    ADD CONSTRAINT entity_name_key UNIQUE (name);

ALTER TABLE ONLY public.entity
    ADD CONSTRAINT entity_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.extensions
    ADD CONSTRAINT extensions_exten_context_key UNIQUE (exten, context);

ALTER TABLE ONLY public.extensions
    ADD CONSTRAINT extensions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.features
    ADD CONSTRAINT features_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.func_key_dest_conference
    ADD CONSTRAINT func_key_dest_conference_pkey PRIMARY KEY (func_key_id, destination_type_id, conference_id);

ALTER TABLE ONLY public.func_key_dest_group
    ADD CONSTRAINT func_key_dest_group_pkey PRIMARY KEY (func_key_id, destination_type_id, group_id);

ALTER TABLE ONLY public.func_key_dest_queue
    ADD CONSTRAINT func_key_dest_queue_pkey PRIMARY KEY (func_key_id, destination_type_id, queue_id);

ALTER TABLE ONLY public.func_key_dest_user
    ADD CONSTRAINT func_key_dest_user_pkey PRIMARY KEY (func_key_id, user_id, destination_type_id);

ALTER TABLE ONLY public.func_key_destination_type
    ADD CONSTRAINT func_key_destination_type_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.func_key_mapping
    ADD CONSTRAINT func_key_mapping_pkey PRIMARY KEY (template_id, func_key_id, destination_type_id);

ALTER TABLE ONLY public.func_key_mapping
    ADD CONSTRAINT func_key_mapping_template_id_position_key UNIQUE (template_id, "position");

ALTER TABLE ONLY public.func_key
    ADD CONSTRAINT func_key_pkey PRIMARY KEY (id, destination_type_id);

ALTER TABLE ONLY public.func_key_template
    ADD CONSTRAINT func_key_template_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.func_key_type
    ADD CONSTRAINT func_key_type_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.general
    ADD CONSTRAINT general_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.groupfeatures
    ADD CONSTRAINT groupfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.iaxcallnumberlimits
    ADD CONSTRAINT iaxcallnumberlimits_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.incall
    ADD CONSTRAINT incall_exten_context_key UNIQUE (exten, context);

ALTER TABLE ONLY public.incall
    ADD CONSTRAINT incall_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ldapfilter
    ADD CONSTRAINT ldapfilter_name_key UNIQUE (name);

ALTER TABLE ONLY public.ldapfilter
    ADD CONSTRAINT ldapfilter_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ldapserver
    ADD CONSTRAINT ldapserver_host_port_key UNIQUE (host, port);

ALTER TABLE ONLY public.ldapserver
    ADD CONSTRAINT ldapserver_name_key UNIQUE (name);

ALTER TABLE ONLY public.ldapserver
    ADD CONSTRAINT ldapserver_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.linefeatures
    ADD CONSTRAINT linefeatures_name_key UNIQUE (name);

ALTER TABLE ONLY public.linefeatures
    ADD CONSTRAINT linefeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.linefeatures
    ADD CONSTRAINT linefeatures_protocol_protocolid_key UNIQUE (protocol, protocolid);

ALTER TABLE ONLY public.mail
    ADD CONSTRAINT mail_origin_key UNIQUE (origin);

ALTER TABLE ONLY public.mail
    ADD CONSTRAINT mail_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.meetmefeatures
    ADD CONSTRAINT meetmefeatures_meetmeid_key UNIQUE (meetmeid);

ALTER TABLE ONLY public.meetmefeatures
    ADD CONSTRAINT meetmefeatures_name_key UNIQUE (name);

ALTER TABLE ONLY public.meetmefeatures
    ADD CONSTRAINT meetmefeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.meetmeguest
    ADD CONSTRAINT meetmeguest_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.monitoring
    ADD CONSTRAINT monitoring_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.musiconhold
    ADD CONSTRAINT musiconhold_filename_category_var_name_key UNIQUE (filename, category, var_name);

ALTER TABLE ONLY public.musiconhold
    ADD CONSTRAINT musiconhold_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.netiface
    ADD CONSTRAINT netiface_ifname_key UNIQUE (ifname);

ALTER TABLE ONLY public.netiface
    ADD CONSTRAINT netiface_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.outcall
    ADD CONSTRAINT outcall_name_key UNIQUE (name);

ALTER TABLE ONLY public.outcall
    ADD CONSTRAINT outcall_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.outcalltrunk
    ADD CONSTRAINT outcalltrunk_pkey PRIMARY KEY (outcallid, trunkfeaturesid);

ALTER TABLE ONLY public.paging
    ADD CONSTRAINT paging_number_key UNIQUE (number);

ALTER TABLE ONLY public.paging
    ADD CONSTRAINT paging_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.paginguser
    ADD CONSTRAINT paginguser_pkey PRIMARY KEY (pagingid, userfeaturesid, caller);

ALTER TABLE ONLY public.phonebook
    ADD CONSTRAINT phonebook_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.phonebookaddress
    ADD CONSTRAINT phonebookaddress_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.phonebooknumber
    ADD CONSTRAINT phonebooknumber_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.phonefunckey
    ADD CONSTRAINT phonefunckey_pkey PRIMARY KEY (iduserfeatures, fknum);

ALTER TABLE ONLY public.pickup
    ADD CONSTRAINT pickup_name_key UNIQUE (name);

ALTER TABLE ONLY public.pickup
    ADD CONSTRAINT pickup_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.pickupmember
    ADD CONSTRAINT pickupmember_pkey PRIMARY KEY (pickupid, category, membertype, memberid);

ALTER TABLE ONLY public.provisioning
    ADD CONSTRAINT provisioning_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queue_info
    ADD CONSTRAINT queue_info_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queue_log
    ADD CONSTRAINT queue_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queue
    ADD CONSTRAINT queue_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.queuefeatures
    ADD CONSTRAINT queuefeatures_name_key UNIQUE (name);

ALTER TABLE ONLY public.queuefeatures
    ADD CONSTRAINT queuefeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queuemember
    ADD CONSTRAINT queuemember_pkey PRIMARY KEY (queue_name, interface);

ALTER TABLE ONLY public.queuemember
    ADD CONSTRAINT queuemember_queue_name_channel_usertype_userid_category_key UNIQUE (queue_name, channel, usertype, userid, category);

ALTER TABLE ONLY public.queuepenalty
    ADD CONSTRAINT queuepenalty_name_key UNIQUE (name);

ALTER TABLE ONLY public.queuepenalty
    ADD CONSTRAINT queuepenalty_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queuepenaltychange
    ADD CONSTRAINT queuepenaltychange_pkey PRIMARY KEY (queuepenalty_id, seconds);

ALTER TABLE ONLY public.queueskill
    ADD CONSTRAINT queueskill_name_key UNIQUE (name);

ALTER TABLE ONLY public.queueskill
    ADD CONSTRAINT queueskill_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queueskillcat
    ADD CONSTRAINT queueskillcat_name_key UNIQUE (name);

ALTER TABLE ONLY public.queueskillcat
    ADD CONSTRAINT queueskillcat_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.queueskillrule
    ADD CONSTRAINT queueskillrule_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.record_campaign
    ADD CONSTRAINT record_campaign_campaign_name_key UNIQUE (campaign_name);

ALTER TABLE ONLY public.record_campaign
    ADD CONSTRAINT record_campaign_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.recording
    ADD CONSTRAINT recording_pkey PRIMARY KEY (cid);

ALTER TABLE ONLY public.resolvconf
    ADD CONSTRAINT resolvconf_domain_key UNIQUE (domain);

ALTER TABLE ONLY public.resolvconf
    ADD CONSTRAINT resolvconf_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rightcall
    ADD CONSTRAINT rightcall_name_key UNIQUE (name);

ALTER TABLE ONLY public.rightcall
    ADD CONSTRAINT rightcall_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rightcallexten
    ADD CONSTRAINT rightcallexten_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rightcallexten
    ADD CONSTRAINT rightcallexten_rightcallid_exten_key UNIQUE (rightcallid, exten);

ALTER TABLE ONLY public.rightcallmember
    ADD CONSTRAINT rightcallmember_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rightcallmember
    ADD CONSTRAINT rightcallmember_rightcallid_type_typeval_key UNIQUE (rightcallid, type, typeval);

ALTER TABLE ONLY public.sccpdevice
    ADD CONSTRAINT sccpdevice_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.sccpgeneralsettings
    ADD CONSTRAINT sccpgeneralsettings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.sccpline
    ADD CONSTRAINT sccpline_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schedule_path
    ADD CONSTRAINT schedule_path_pkey PRIMARY KEY (schedule_id, path, pathid);

ALTER TABLE ONLY public.schedule
    ADD CONSTRAINT schedule_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schedule_time
    ADD CONSTRAINT schedule_time_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.serverfeatures
    ADD CONSTRAINT serverfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.serverfeatures
    ADD CONSTRAINT serverfeatures_serverid_feature_type_key UNIQUE (serverid, feature, type);

ALTER TABLE ONLY public.session
    ADD CONSTRAINT session_pkey PRIMARY KEY (sessid);

ALTER TABLE ONLY public.sipauthentication
    ADD CONSTRAINT sipauthentication_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_agent_periodic
    ADD CONSTRAINT stat_agent_periodic_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_agent
    ADD CONSTRAINT stat_agent_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_call_on_queue
    ADD CONSTRAINT stat_call_on_queue_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_queue_periodic
    ADD CONSTRAINT stat_queue_periodic_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_queue
    ADD CONSTRAINT stat_queue_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.staticiax
    ADD CONSTRAINT staticiax_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.staticmeetme
    ADD CONSTRAINT staticmeetme_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.staticqueue
    ADD CONSTRAINT staticqueue_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.staticsip
    ADD CONSTRAINT staticsip_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.staticvoicemail
    ADD CONSTRAINT staticvoicemail_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stats_conf_agent
    ADD CONSTRAINT stats_conf_agent_pkey PRIMARY KEY (stats_conf_id, agentfeatures_id);

ALTER TABLE ONLY public.stats_conf_group
    ADD CONSTRAINT stats_conf_group_pkey PRIMARY KEY (stats_conf_id, groupfeatures_id);

ALTER TABLE ONLY public.stats_conf_incall
    ADD CONSTRAINT stats_conf_incall_pkey PRIMARY KEY (stats_conf_id, incall_id);

ALTER TABLE ONLY public.stats_conf
    ADD CONSTRAINT stats_conf_name_key UNIQUE (name);

ALTER TABLE ONLY public.stats_conf
    ADD CONSTRAINT stats_conf_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stats_conf_queue
    ADD CONSTRAINT stats_conf_queue_pkey PRIMARY KEY (stats_conf_id, queuefeatures_id);

ALTER TABLE ONLY public.stats_conf_user
    ADD CONSTRAINT stats_conf_user_pkey PRIMARY KEY (stats_conf_id, userfeatures_id);

ALTER TABLE ONLY public.stats_conf_xivouser
    ADD CONSTRAINT stats_conf_xivouser_pkey PRIMARY KEY (stats_conf_id, user_id);

ALTER TABLE ONLY public.trunkfeatures
    ADD CONSTRAINT trunkfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.trunkfeatures
    ADD CONSTRAINT trunkfeatures_protocol_protocolid_key UNIQUE (protocol, protocolid);

ALTER TABLE ONLY public.user_line
    ADD CONSTRAINT user_line_pkey PRIMARY KEY (id, line_id);

ALTER TABLE ONLY public.user_line
    ADD CONSTRAINT user_line_user_id_line_id_key UNIQUE (user_id, line_id);

ALTER TABLE ONLY public."user"
    ADD CONSTRAINT user_login_meta_key UNIQUE (login, meta);

ALTER TABLE ONLY public."user"
    ADD CONSTRAINT user_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.usercustom
    ADD CONSTRAINT usercustom_interface_intfsuffix_category_key UNIQUE (interface, intfsuffix, category);

ALTER TABLE ONLY public.usercustom
    ADD CONSTRAINT usercustom_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.userfeatures
    ADD CONSTRAINT userfeatures_func_key_private_template_id_key UNIQUE (func_key_private_template_id);

ALTER TABLE ONLY public.userfeatures
    ADD CONSTRAINT userfeatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.useriax
    ADD CONSTRAINT useriax_name_key UNIQUE (name);

ALTER TABLE ONLY public.useriax
    ADD CONSTRAINT useriax_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.usersip
    ADD CONSTRAINT usersip_name_key UNIQUE (name);

ALTER TABLE ONLY public.usersip
    ADD CONSTRAINT usersip_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.voicemail
    ADD CONSTRAINT voicemail_mailbox_context_key UNIQUE (mailbox, context);

ALTER TABLE ONLY public.voicemail
    ADD CONSTRAINT voicemail_pkey PRIMARY KEY (uniqueid);

CREATE INDEX accesswebservice__idx__disable ON public.accesswebservice USING btree (disable);

CREATE INDEX accesswebservice__idx__host ON public.accesswebservice USING btree (host);

CREATE INDEX accesswebservice__idx__login ON public.accesswebservice USING btree (login);

CREATE INDEX accesswebservice__idx__passwd ON public.accesswebservice USING btree (passwd);

CREATE INDEX cel__idx__call_log_id ON public.cel USING btree (call_log_id);

CREATE INDEX cel__idx__eventtime ON public.cel USING btree (eventtime);

CREATE INDEX cel__idx__linkedid ON public.cel USING btree (linkedid);

CREATE INDEX cel__idx__uniqueid ON public.cel USING btree (uniqueid);

CREATE INDEX contextmember__idx__context ON public.contextmember USING btree (context);

CREATE INDEX contextmember__idx__context_type ON public.contextmember USING btree (context, type);

CREATE INDEX dialaction__idx__action_actionarg1 ON public.dialaction USING btree (action, actionarg1);

CREATE INDEX extensions__idx__context ON public.extensions USING btree (context);

CREATE INDEX extensions__idx__exten ON public.extensions USING btree (exten);

CREATE INDEX extensions__idx__type ON public.extensions USING btree (type);

CREATE INDEX extensions__idx__typeval ON public.extensions USING btree (typeval);

CREATE INDEX features__idx__category ON public.features USING btree (category);

CREATE INDEX groupfeatures__idx__context ON public.groupfeatures USING btree (context);

CREATE INDEX groupfeatures__idx__name ON public.groupfeatures USING btree (name);

CREATE INDEX groupfeatures__idx__number ON public.groupfeatures USING btree (number);

CREATE INDEX incall__idx__context ON public.incall USING btree (context);

CREATE INDEX incall__idx__exten ON public.incall USING btree (exten);

CREATE INDEX linefeatures__idx__context ON public.linefeatures USING btree (context);

CREATE INDEX linefeatures__idx__device ON public.linefeatures USING btree (device);

CREATE INDEX linefeatures__idx__number ON public.linefeatures USING btree (number);

CREATE INDEX linefeatures__idx__provisioningid ON public.linefeatures USING btree (provisioningid);

CREATE INDEX meetmefeatures__idx__context ON public.meetmefeatures USING btree (context);

CREATE INDEX meetmefeatures__idx__number ON public.meetmefeatures USING btree (confno);

CREATE INDEX outcalltrunk__idx__priority ON public.outcalltrunk USING btree (priority);

CREATE INDEX paginguser__idx__pagingid ON public.paginguser USING btree (pagingid);

CREATE UNIQUE INDEX phonebookaddress__uidx__phonebookid_type ON public.phonebookaddress USING btree (phonebookid, type);

CREATE UNIQUE INDEX phonebooknumber__uidx__phonebookid_type ON public.phonebooknumber USING btree (phonebookid, type);

CREATE INDEX phonefunckey__idx__exten ON public.phonefunckey USING btree (exten);

CREATE INDEX phonefunckey__idx__progfunckey ON public.phonefunckey USING btree (progfunckey);

CREATE INDEX phonefunckey__idx__typeextenumbers_typevalextenumbers ON public.phonefunckey USING btree (typeextenumbers, typevalextenumbers);

CREATE INDEX phonefunckey__idx__typeextenumbersright_typevalextenumbersright ON public.phonefunckey USING btree (typeextenumbersright, typevalextenumbersright);

CREATE INDEX queue__idx__category ON public.queue USING btree (category);

CREATE INDEX queue_info_call_time_t_index ON public.queue_info USING btree (call_time_t);

CREATE INDEX queue_info_queue_name_index ON public.queue_info USING btree (queue_name);

CREATE INDEX queue_log__idx_agent ON public.queue_log USING btree (agent);

CREATE INDEX queue_log__idx_callid ON public.queue_log USING btree (callid);

CREATE INDEX queue_log__idx_event ON public.queue_log USING btree (event);

CREATE INDEX queue_log__idx_queuename ON public.queue_log USING btree (queuename);

CREATE INDEX queue_log__idx_time ON public.queue_log USING btree ("time");

CREATE INDEX queuefeatures__idx__context ON public.queuefeatures USING btree (context);

CREATE INDEX queuefeatures__idx__number ON public.queuefeatures USING btree (number);

CREATE INDEX queuemember__idx__category ON public.queuemember USING btree (category);

CREATE INDEX queuemember__idx__channel ON public.queuemember USING btree (channel);

CREATE INDEX queuemember__idx__userid ON public.queuemember USING btree (userid);

CREATE INDEX queuemember__idx__usertype ON public.queuemember USING btree (usertype);

CREATE INDEX schedule_path_path ON public.schedule_path USING btree (path, pathid);

CREATE INDEX schedule_time__idx__scheduleid_commented ON public.schedule_time USING btree (schedule_id, commented);

CREATE INDEX session__idx__expire ON public.session USING btree (expire);

CREATE INDEX session__idx__identifier ON public.session USING btree (identifier);

CREATE INDEX sipauthentication__idx__usersip_id ON public.sipauthentication USING btree (usersip_id);

CREATE INDEX stat_agent__idx_name ON public.stat_agent USING btree (name);

CREATE INDEX stat_agent_periodic__idx__agent_id ON public.stat_agent_periodic USING btree (agent_id);

CREATE INDEX stat_agent_periodic__idx__time ON public.stat_agent_periodic USING btree ("time");

CREATE INDEX stat_queue__idx_name ON public.stat_queue USING btree (name);

CREATE INDEX staticiax__idx__category ON public.staticiax USING btree (category);

CREATE INDEX staticmeetme__idx__category ON public.staticmeetme USING btree (category);

CREATE INDEX staticqueue__idx__category ON public.staticqueue USING btree (category);

CREATE INDEX staticsip__idx__category ON public.staticsip USING btree (category);

CREATE INDEX staticvoicemail__idx__category ON public.staticvoicemail USING btree (category);

CREATE INDEX stats_conf__idx__disable ON public.stats_conf USING btree (disable);

CREATE INDEX trunkfeatures__idx__registercommented ON public.trunkfeatures USING btree (registercommented);

CREATE INDEX trunkfeatures__idx__registerid ON public.trunkfeatures USING btree (registerid);

CREATE INDEX usercustom__idx__category ON public.usercustom USING btree (category);

CREATE INDEX usercustom__idx__context ON public.usercustom USING btree (context);

CREATE INDEX usercustom__idx__name ON public.usercustom USING btree (name);

CREATE INDEX userfeatures__idx__agentid ON public.userfeatures USING btree (agentid);

CREATE INDEX userfeatures__idx__entityid ON public.userfeatures USING btree (entityid);

CREATE INDEX userfeatures__idx__firstname ON public.userfeatures USING btree (firstname);

CREATE INDEX userfeatures__idx__lastname ON public.userfeatures USING btree (lastname);

CREATE INDEX userfeatures__idx__loginclient ON public.userfeatures USING btree (loginclient);

CREATE INDEX userfeatures__idx__musiconhold ON public.userfeatures USING btree (musiconhold);

CREATE INDEX userfeatures__idx__voicemailid ON public.userfeatures USING btree (voicemailid);

CREATE INDEX useriax__idx__category ON public.useriax USING btree (category);

CREATE INDEX useriax__idx__mailbox ON public.useriax USING btree (mailbox);

CREATE INDEX usersip__idx__category ON public.usersip USING btree (category);

CREATE INDEX usersip__idx__mailbox ON public.usersip USING btree (mailbox);

CREATE INDEX voicemail__idx__context ON public.voicemail USING btree (context);

CREATE TRIGGER change_queue_log_agent BEFORE INSERT ON public.queue_log FOR EACH ROW WHEN ((((new.event)::text = 'PAUSEALL'::text) OR ((new.event)::text = 'UNPAUSEALL'::text))) EXECUTE FUNCTION public.set_agent_on_pauseall();

ALTER TABLE ONLY public.cel
    ADD CONSTRAINT cel_call_log_id_fkey FOREIGN KEY (call_log_id) REFERENCES public.call_log(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.cti_profile
    ADD CONSTRAINT cti_profile_phonehints_id_fkey FOREIGN KEY (phonehints_id) REFERENCES public.ctiphonehintsgroup(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.cti_profile_preference
    ADD CONSTRAINT cti_profile_preference_preference_id_fkey FOREIGN KEY (preference_id) REFERENCES public.cti_preference(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cti_profile_preference
    ADD CONSTRAINT cti_profile_preference_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.cti_profile(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cti_profile
    ADD CONSTRAINT cti_profile_presence_id_fkey FOREIGN KEY (presence_id) REFERENCES public.ctipresences(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.cti_profile_service
    ADD CONSTRAINT cti_profile_service_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.cti_profile(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cti_profile_service
    ADD CONSTRAINT cti_profile_service_service_id_fkey FOREIGN KEY (service_id) REFERENCES public.cti_service(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cti_profile_xlet
    ADD CONSTRAINT cti_profile_xlet_layout_id_fkey FOREIGN KEY (layout_id) REFERENCES public.cti_xlet_layout(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.cti_profile_xlet
    ADD CONSTRAINT cti_profile_xlet_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.cti_profile(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cti_profile_xlet
    ADD CONSTRAINT cti_profile_xlet_xlet_id_fkey FOREIGN KEY (xlet_id) REFERENCES public.cti_xlet(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.func_key_dest_conference
    ADD CONSTRAINT func_key_dest_conference_conference_id_fkey FOREIGN KEY (conference_id) REFERENCES public.meetmefeatures(id);

ALTER TABLE ONLY public.func_key_dest_conference
    ADD CONSTRAINT func_key_dest_conference_func_key_id_destination_type_id_fkey FOREIGN KEY (func_key_id, destination_type_id) REFERENCES public.func_key(id, destination_type_id);

ALTER TABLE ONLY public.func_key_dest_group
    ADD CONSTRAINT func_key_dest_group_func_key_id_destination_type_id_fkey FOREIGN KEY (func_key_id, destination_type_id) REFERENCES public.func_key(id, destination_type_id);

ALTER TABLE ONLY public.func_key_dest_group
    ADD CONSTRAINT func_key_dest_group_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.groupfeatures(id);

ALTER TABLE ONLY public.func_key_dest_queue
    ADD CONSTRAINT func_key_dest_queue_func_key_id_destination_type_id_fkey FOREIGN KEY (func_key_id, destination_type_id) REFERENCES public.func_key(id, destination_type_id);

ALTER TABLE ONLY public.func_key_dest_queue
    ADD CONSTRAINT func_key_dest_queue_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES public.queuefeatures(id);

ALTER TABLE ONLY public.func_key_dest_user
    ADD CONSTRAINT func_key_dest_user_func_key_id_destination_type_id_fkey FOREIGN KEY (func_key_id, destination_type_id) REFERENCES public.func_key(id, destination_type_id);

ALTER TABLE ONLY public.func_key_dest_user
    ADD CONSTRAINT func_key_dest_user_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.userfeatures(id);

ALTER TABLE ONLY public.func_key
    ADD CONSTRAINT func_key_destination_type_id_fkey FOREIGN KEY (destination_type_id) REFERENCES public.func_key_destination_type(id);

ALTER TABLE ONLY public.func_key_mapping
    ADD CONSTRAINT func_key_mapping_func_key_id_destination_type_id_fkey FOREIGN KEY (func_key_id, destination_type_id) REFERENCES public.func_key(id, destination_type_id);

ALTER TABLE ONLY public.func_key_mapping
    ADD CONSTRAINT func_key_mapping_template_id_fkey FOREIGN KEY (template_id) REFERENCES public.func_key_template(id);

ALTER TABLE ONLY public.func_key
    ADD CONSTRAINT func_key_type_id_fkey FOREIGN KEY (type_id) REFERENCES public.func_key_type(id);

ALTER TABLE ONLY public.record_campaign
    ADD CONSTRAINT record_campaign_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES public.queuefeatures(id) ON UPDATE CASCADE ON DELETE SET NULL;

ALTER TABLE ONLY public.recording
    ADD CONSTRAINT recording_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES public.agentfeatures(id) ON UPDATE CASCADE ON DELETE SET NULL;

ALTER TABLE ONLY public.recording
    ADD CONSTRAINT recording_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES public.record_campaign(id);

ALTER TABLE ONLY public.stat_agent_periodic
    ADD CONSTRAINT stat_agent_periodic_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES public.stat_agent(id);

ALTER TABLE ONLY public.stat_call_on_queue
    ADD CONSTRAINT stat_call_on_queue_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES public.stat_agent(id);

ALTER TABLE ONLY public.stat_call_on_queue
    ADD CONSTRAINT stat_call_on_queue_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES public.stat_queue(id);

ALTER TABLE ONLY public.stat_queue_periodic
    ADD CONSTRAINT stat_queue_periodic_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES public.stat_queue(id);

ALTER TABLE ONLY public."user"
    ADD CONSTRAINT user_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES public.entity(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.user_line
    ADD CONSTRAINT user_line_extension_id_fkey FOREIGN KEY (extension_id) REFERENCES public.extensions(id);

ALTER TABLE ONLY public.user_line
    ADD CONSTRAINT user_line_line_id_fkey FOREIGN KEY (line_id) REFERENCES public.linefeatures(id);

ALTER TABLE ONLY public.user_line
    ADD CONSTRAINT user_line_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.userfeatures(id);

ALTER TABLE ONLY public.userfeatures
    ADD CONSTRAINT userfeatures_cti_profile_id_fkey FOREIGN KEY (cti_profile_id) REFERENCES public.cti_profile(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.userfeatures
    ADD CONSTRAINT userfeatures_func_key_private_template_id_fkey FOREIGN KEY (func_key_private_template_id) REFERENCES public.func_key_template(id);

ALTER TABLE ONLY public.userfeatures
    ADD CONSTRAINT userfeatures_func_key_template_id_fkey FOREIGN KEY (func_key_template_id) REFERENCES public.func_key_template(id);

