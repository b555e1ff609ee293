# Sourced by every scenario of debian/tests: runs INSIDE the testbed (a
# throwaway Debian 12 root made by tests/e2e/make-root), as root, with the
# source tree as the current directory (autopkgtest's convention).
#
# Gives: policy-rc.d, a syslog listener on /dev/log, fake XiVO daemons behind
# /etc/init.d scripts, PostgreSQL started through invoke-rc.d, the packages
# to install, fingerprints of the cluster, and the assertions.
set -euo pipefail
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

SRC=$PWD
TB=$SRC/tests/e2e/testbed
SCENARIO=${SCENARIO:-$(basename "$0")}
# The packages built by tests/e2e/run, bind-mounted here (see tests/e2e/run).
DEBS=${E2E_DEBS:-/srv/e2e-debs}
ART=${AUTOPKGTEST_ARTIFACTS:-/tmp/e2e-artifacts/$SCENARIO}
WORK=${AUTOPKGTEST_TMP:-/tmp/e2e-work}
mkdir -p "$ART" "$WORK"
chmod 755 "$WORK"
# Fingerprints are written by fp.py, which runs as postgres.
FPDIR=$WORK/fp
install -d -o postgres -g postgres "$FPDIR"
SYSLOG=/var/log/e2e-syslog.log
EVENTS=/var/log/xivo-fake/events.log
STATE_DIR=/var/lib/xivo-manage-db
QUEUE_LOG_ROWS=${E2E_QUEUE_LOG_ROWS:-250000}

# name:mode:databases. All of them are in the package's default SERVICES;
# xivo-dird is installed but left stopped (it must stay stopped), the other
# daemons of the default list are not installed at all (invoke-rc.d says
# "unknown initscript": they must be skipped).
FAKE_SERVICES="asterisk:idle xivo-agid:db:asterisk xivo-confd:db:asterisk xivo-sysconfd:db:xivo,asterisk xivo-dird:db:asterisk"
RUN_SERVICES="asterisk xivo-agid xivo-confd xivo-sysconfd"

# grep -q at the end of a pipeline stops reading at the first match; under
# pipefail the writer's SIGPIPE then fails the pipeline. qgrep reads it all.
qgrep() { grep "$@" >/dev/null; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)
step() { printf '\n--- [%s %6.1fs] %s\n' "$SCENARIO" "$(elapsed "$T0")" "$*"; }
ok() { echo "ok: $*"; }
fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }
timing() { echo "$1 $2" >> "$ART/timings"; echo "TIMING $SCENARIO $1 $2 s"; }

# Skip (exit 77, restriction skippable) when a package this scenario needs
# was not built by tests/e2e/run.
deb() {
    local f
    case "$1" in
        release) f=$(ls "$DEBS"/release/xivo-manage-db_*.deb 2>/dev/null | head -1) ;;
        legacy) f=$(ls "$DEBS"/legacy/xivo-manage-db_14.07_all.deb 2>/dev/null | head -1) ;;
        failing) f=$(ls "$DEBS"/failing/xivo-manage-db_*.deb 2>/dev/null | head -1) ;;
        newer) f=$(ls "$DEBS"/newer/xivo-manage-db_*.deb 2>/dev/null | head -1) ;;
    esac
    if [ -z "${f:-}" ]; then
        echo "SKIP [$SCENARIO]: no $1 package under $DEBS (run tests/e2e/run)" >&2
        exit 77
    fi
    echo "$f"
}
deb_version() { dpkg-deb -f "$1" Version; }

# ------------------------------------------------------------ the testbed

policy() {  # allow | deny
    local rc=0
    [ "$1" = deny ] && rc=101
    printf '#!/bin/sh\n# e2e: %s every service action\nexit %s\n' "$1" "$rc" > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
}

start_syslog() {
    rm -f /dev/log /dev/log.ready
    : > "$SYSLOG"
    setsid python3 "$TB/syslogd.py" /dev/log "$SYSLOG" </dev/null >>"$WORK/syslogd.out" 2>&1 &
    for _ in $(seq 50); do [ -e /dev/log.ready ] && return 0; sleep 0.1; done
    fail "syslog listener did not start"
}

install_services() {
    install -d /usr/local/lib/xivo-fake /var/log/xivo-fake /run/xivo-fake
    install -m 755 "$TB/daemon.py" /usr/local/lib/xivo-fake/daemon.py
    : > "$EVENTS"
    local s name mode dbs
    for s in $FAKE_SERVICES; do
        IFS=: read -r name mode dbs <<< "$s"
        sed -e "s/@NAME@/$name/g" -e "s/@MODE@/$mode/" -e "s/@DBS@/${dbs//,/ }/" \
            "$TB/initd.template" > "/etc/init.d/$name"
        chmod 755 "/etc/init.d/$name"
        update-rc.d "$name" defaults >/dev/null 2>&1
    done
}

start_postgres() {
    # As on a XiVO host, the daemons log in with a password (XiVO used
    # 127.0.0.1 and md5; the testbed has no TCP listener: see make-root).
    printf 'local all postgres peer\nlocal all all scram-sha-256\n' > /etc/postgresql/15/main/pg_hba.conf
    # E2E_PG_DURABLE=1 (the overhead benchmark): PostgreSQL's default
    # durability (fsync on), instead of the root's fsync off.
    if [ "${E2E_PG_DURABLE:-}" = 1 ]; then
        echo "listen_addresses = ''" > /etc/postgresql/15/main/conf.d/e2e.conf
    fi
    invoke-rc.d postgresql start
    pg_isready -q -h /var/run/postgresql -t 60 || fail "PostgreSQL did not start"
}
stop_postgres() {
    invoke-rc.d postgresql stop
}

start_services() { local s; for s in ${1:-$RUN_SERVICES}; do invoke-rc.d "$s" start; done; }

# The fake services whose init script says they run.
running_services() {
    local s name out=""
    for s in $FAKE_SERVICES; do
        name=${s%%:*}
        if "/etc/init.d/$name" status >/dev/null 2>&1; then out="$out $name"; fi
    done
    echo "${out# }"
}

# Everything the scenario saw, for the artifacts (tests/e2e/run keeps them).
collect() {
    local rc=$?
    set +e
    cp "$SYSLOG" "$ART/syslog.log" 2>/dev/null
    cp "$EVENTS" "$ART/service-events.log" 2>/dev/null
    cp /var/log/xivo-fake/*.log "$ART/" 2>/dev/null
    cp /var/log/postgresql/postgresql-15-main.log "$ART/postgresql.log" 2>/dev/null
    cp /var/log/dpkg.log "$ART/dpkg.log" 2>/dev/null
    cp /var/log/apt/term.log "$ART/apt-term.log" 2>/dev/null
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
        echo "--- [$SCENARIO] failed (exit $rc); last syslog lines:" >&2
        tail -25 "$SYSLOG" >&2 2>/dev/null
        echo "--- service events:" >&2
        tail -20 "$EVENTS" >&2 2>/dev/null
    fi
    # The testbed's processes die with its pid namespace; stop them first
    # so that nothing writes into a removed tree.
    for s in $FAKE_SERVICES; do "/etc/init.d/${s%%:*}" stop >/dev/null 2>&1; done
    pg_ctlcluster 15 main stop -m immediate >/dev/null 2>&1
    [ -s /dev/log.ready ] && kill "$(cat /dev/log.ready)" 2>/dev/null
    echo "--- [$SCENARIO] $( [ $rc -eq 0 ] && echo PASS || echo "exit $rc") in $(elapsed "$T0") s"
    exit $rc
}

# The usual start: services allowed, syslog listener, fake daemons installed,
# PostgreSQL running.
setup() {
    trap collect EXIT
    step "testbed: policy-rc.d ${1:-allow}, syslog listener on /dev/log, fake XiVO daemons"
    policy "${1:-allow}"
    start_syslog
    install_services
    if [ "${1:-allow}" = allow ]; then
        start_postgres
    fi
}

# ------------------------------------------------------------ PostgreSQL

as_postgres() { runuser -u postgres -- "$@"; }
# psql DB SQL...: unaligned, tuples only, as the superuser.
sql() { local db=$1; shift; as_postgres psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" -c "$*"; }
db_exists() { [ "$(sql postgres "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]; }
role_exists() { [ "$(sql postgres "SELECT count(*) FROM pg_roles WHERE rolname = '$1'")" = 1 ]; }
fp() { (cd /tmp && as_postgres python3 "$TB/fp.py" "$@"); }
snapshot() { fp snapshot "$FPDIR/$1.json" "${@:2}"; }

# The head revision of the migrations this source tree carries (the one no
# other migration names as its down_revision).
head_revision() {
    local dir=${1:-$SRC/migrations/versions}
    awk -F': *' '/^-- revision:/ {r[$2] = 1} /^-- down_revision:/ {n = split($2, d, ", *"); for (i = 1; i <= n; i++) p[d[i]] = 1}
        END {for (x in r) if (!(x in p)) print x}' "$dir"/*.sql
}
revision() { sql asterisk "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"; }

# The 14.07 host of scenarios c, d and h: the 14.07 package installed with
# PostgreSQL running, then filled with a PBX's data.
install_1407_with_data() {
    local legacy rows=${1:-$QUEUE_LOG_ROWS}
    legacy=$(deb legacy)
    step "install the 14.07 package"
    apt_get 1407-install install -y "$legacy"
    [ "$APT_RC" = 0 ] || fail "installing 14.07 failed (exit $APT_RC)"
    db_exists asterisk && db_exists xivo || fail "14.07 postinst did not create asterisk and xivo"
    step "fill it (tests/fixtures/1407/fill.sql): ${E2E_USERS:-1000} users, $rows queue_log rows"
    local t; t=$(now)
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -v users="${E2E_USERS:-1000}" -v queue_log_rows="$rows" \
        -v cel_rows=20000 -v sessions=500 -d postgres -f "$SRC/tests/fixtures/1407/fill.sql" >/dev/null
    sql asterisk "ANALYZE" && sql xivo "ANALYZE"
    # Non-default values of what pg_dump --schema-only does not show, which a
    # snapshot and a rollback must carry (fp.py compares them).
    local pair db role
    for pair in asterisk:asterisk xivo:xivo; do
        db=${pair%:*} role=${pair#*:}
        sql postgres "COMMENT ON DATABASE $db IS 'e2e: $db of a XiVO host'" >/dev/null
        sql postgres "ALTER DATABASE $db CONNECTION LIMIT 137" >/dev/null
        sql postgres "ALTER DATABASE $db SET work_mem = '7MB'" >/dev/null
        sql postgres "ALTER ROLE $role IN DATABASE $db SET statement_timeout = '17min'" >/dev/null
        sql postgres "REVOKE TEMPORARY ON DATABASE $db FROM PUBLIC" >/dev/null
        sql postgres "GRANT TEMPORARY ON DATABASE $db TO $role" >/dev/null
        sql postgres "ALTER ROLE $role CONNECTION LIMIT 41 VALID UNTIL '2099-12-31 00:00:00+00'" >/dev/null
        sql postgres "ALTER ROLE $role SET idle_session_timeout = '2h'" >/dev/null
        sql postgres "CREATE ROLE e2e_${role}_group NOLOGIN" >/dev/null
        sql postgres "GRANT e2e_${role}_group TO $role" >/dev/null
    done
    timing fill-data "$(elapsed "$t")"
    [ "$(sql asterisk "SELECT count(*) FROM queue_log")" = "$rows" ] || fail "queue_log not filled"
}

# What the numbered scripts and migrations of 14.08 legitimately change in a
# 14.07 database (the difference between the fresh 14.07 dumps and the 14.08
# target in tests/fixtures/xivo-real, and what asterisk-163 does to keys):
# rows only added to these tables (the conference destination type, a func
# key and its mappings per conference) ...
UPGRADE_SUPERSET=func_key_destination_type,func_key,func_key_mapping
# ... rows only removed from this one (the meetme keys, now func keys) ...
UPGRADE_SUBSET=phonefunckey
# ... the tables asterisk-166 and xivo-009 drop, with their rows ...
UPGRADE_DROPPED=operator,operator_destination,operator_trunk,outcalldundipeer,parkinglot,voicemenu,iproute,server
# ... and no value rewritten.
UPGRADE_IGNORE=

# md5 of every file under $STATE_DIR (the 14.07 state files, a rollback
# record, stopped-services, a remembered connection limit...) but the lock
# and the list of state directories, which outlive every run; empty when
# there is none. An unreadable directory fails the scenario.
state_files() {
    [ -d "$STATE_DIR" ] || return 0
    (cd "$STATE_DIR" && find . -type f ! -path ./lock ! -path ./state-dirs -print0 | sort -z | xargs -0r md5sum) \
        || fail "cannot hash the files under $STATE_DIR"
}

# After a run that ended (success or rollback): nothing of it left behind.
expect_no_run_leftovers() {
    local f
    for f in rollback/record stopped-services merge-xivo-connlimit; do
        [ ! -e "$STATE_DIR/$f" ] || fail "$STATE_DIR/$f left after the run: $(head -c 300 "$STATE_DIR/$f")"
    done
    ok "no rollback record, stopped-services or connection limit left"
}

# ------------------------------------------------------------ apt and dpkg

# apt_get LABEL ARGS...: apt-get with a timeout (a service started by a hook
# that inherited apt's pipe would hang it), output kept in the artifacts.
# Sets APT_RC and APT_TIME; never fails by itself.
apt_get() {
    local label=$1 t; shift
    t=$(now)
    set +e
    timeout 900 apt-get -q -o Dpkg::Use-Pty=0 "$@" > "$ART/$label.log" 2>&1
    APT_RC=$?
    set -e
    APT_TIME=$(elapsed "$t")
    timing "$label" "$APT_TIME"
    echo "apt-get $* -> exit $APT_RC in $APT_TIME s (log: $label.log)"
    [ "$APT_RC" != 124 ] || fail "apt-get $* did not return within 900 s: a process started by a hook kept apt's pipe?"
    grep -E '^(E:|dpkg:|xivo-manage-db|[a-z]+inst|prerm|postrm)' "$ART/$label.log" | head -40 || true
}
dpkg_cmd() {  # like apt_get, for dpkg itself
    local label=$1 t; shift
    t=$(now)
    set +e
    timeout 900 dpkg "$@" > "$ART/$label.log" 2>&1
    APT_RC=$?
    set -e
    APT_TIME=$(elapsed "$t")
    timing "$label" "$APT_TIME"
    echo "dpkg $* -> exit $APT_RC in $APT_TIME s (log: $label.log)"
    grep -E '^(dpkg:|xivo-manage-db|[a-z]+inst|prerm|postrm)' "$ART/$label.log" | head -40 || true
}

expect_status() {  # expect_status "install ok installed" VERSION
    local got
    got=$(dpkg-query -W -f '${Status} ${Version}' xivo-manage-db 2>/dev/null || echo "not-installed")
    [ "$got" = "$1${2:+ $2}" ] || fail "dpkg -s xivo-manage-db: '$got', expected '$1${2:+ $2}'"
    ok "dpkg: $got"
}

# ------------------------------------------------------------ services

mark() { MARK_SYSLOG=$(wc -l < "$SYSLOG"); MARK_EVENTS=$(wc -l < "$EVENTS"); }
events_since() { tail -n +"$((MARK_EVENTS + 1))" "$EVENTS"; }
syslog_since() { tail -n +"$((MARK_SYSLOG + 1))" "$SYSLOG"; }

expect_running() {  # the exact set of fake services running
    local got
    got=$(running_services)
    [ "$got" = "$1" ] || fail "services running: '$got', expected '$1'"
    ok "services running: ${got:-none}"
}

# Since the mark, each of $1 was stopped then started again; nothing else
# was stopped or started.
expect_stopped_then_started() {
    local s name line_stop line_start
    for s in $FAKE_SERVICES; do
        name=${s%%:*}
        line_stop=$(events_since | grep -n " $name init-stop" | head -1 | cut -d: -f1 || true)
        line_start=$(events_since | grep -n " $name init-start" | tail -1 | cut -d: -f1 || true)
        if [[ " $1 " == *" $name "* ]]; then
            [ -n "$line_stop" ] || fail "$name was running but was not stopped"
            [ -n "$line_start" ] && [ "$line_start" -gt "$line_stop" ] || fail "$name was stopped but not started again"
        else
            [ -z "$line_stop$line_start" ] || fail "$name was not running, yet it was stopped or started: $(events_since | grep " $name init-")"
        fi
    done
    ok "stopped then started again: $1 (and nothing else)"
}
expect_untouched() {
    if events_since | qgrep " init-"; then
        fail "services were stopped or started: $(events_since | grep ' init-' | tr '\n' ';')"
    fi
    ok "no service stopped or started"
}

# A daemon started by a hook must inherit none of its descriptors: not the
# lock file, not apt's pipe.
expect_clean_daemon_fds() {
    local f pid name bad=""
    for f in /run/xivo-fake/*.pid; do
        [ -s "$f" ] || continue
        pid=$(cat "$f"); name=$(basename "$f" .pid)
        for fd in /proc/"$pid"/fd/*; do
            case "$(readlink "$fd" 2>/dev/null)" in
                pipe:*|*/xivo-manage-db/*|*/dpkg/*) bad="$bad $name:fd$(basename "$fd")->$(readlink "$fd")" ;;
            esac
        done
    done
    [ -z "$bad" ] || fail "daemons inherited descriptors from a hook:$bad"
    ok "daemons hold no inherited descriptor"
}

# ------------------------------------------------------------ syslog

# expect_syslog REGEX WHAT: a line logged under ident xivo-manage-db since
# the mark matches REGEX (extended, case-insensitive).
expect_syslog() {
    syslog_since | grep -E ' xivo-manage-db(\[[0-9]+\])?:' | qgrep -Ei -- "$1" \
        || fail "no syslog line (ident xivo-manage-db) for $2 (/$1/i)"
    ok "syslog: $2"
}
expect_no_syslog() {
    if syslog_since | grep -E ' xivo-manage-db(\[[0-9]+\])?:' | qgrep -Ei -- "$1"; then
        fail "unexpected syslog line for $2: $(syslog_since | grep -Ei -- "$1" | head -1)"
    fi
    ok "syslog: no $2"
}
no_password_logged() {
    if grep -q proformatique "$SYSLOG"; then fail "a password was logged: $(grep proformatique "$SYSLOG" | head -1)"; fi
    ok "no password in syslog"
}
