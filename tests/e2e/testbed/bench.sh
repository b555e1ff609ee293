# Sourced by scenario c when E2E_BENCH=1 (tests/e2e/bench-package-overhead): times
# xivo-update-db alone on an identical copy of the 14.07 data, in a second
# cluster of the testbed with the same settings, before the package upgrade
# of the first cluster is timed. The difference is the package's own
# overhead: dpkg, the hooks' lock, service stop/start, snapshot, cleanup.

bench_update_db_alone() {
    local t root=$WORK/bench-root state=$WORK/bench-state
    step "bench: copy of the data in a second cluster, upgraded by xivo-update-db alone"
    pg_createcluster 15 bench -p 5433 >/dev/null
    cp /etc/postgresql/15/main/conf.d/*.conf /etc/postgresql/15/bench/conf.d/
    pg_ctlcluster 15 bench start
    # The copy must fail loudly (ON_ERROR_STOP, pipefail): half a copy would
    # time a smaller upgrade. The role we restore as exists already and
    # cannot be dropped while connected: its two lines are left out.
    ( set -o pipefail
      as_postgres pg_dumpall -h /var/run/postgresql -p 5432 --clean --if-exists \
        | grep -vxE 'DROP ROLE IF EXISTS postgres;|CREATE ROLE postgres;' \
        | as_postgres psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p 5433 -d postgres \
            > "$ART/bench-copy.log" 2>&1 ) || fail "copying the data to the bench cluster failed: $(tail -3 "$ART/bench-copy.log")"
    sql postgres "SELECT 1" >/dev/null
    [ "$(as_postgres psql -X -Atq -p 5433 -d asterisk -c 'SELECT count(*) FROM queue_log')" = "$QUEUE_LOG_ROWS" ] \
        || fail "the bench copy does not have the data"
    as_postgres psql -X -q -p 5433 -d asterisk -c ANALYZE
    as_postgres psql -X -q -p 5433 -d xivo -c ANALYZE
    mkdir -p "$state"
    cp -a "$STATE_DIR/update-db" "$state/"
    dpkg-deb -x "$release" "$root"
    printf "ADMIN_URI='port=5433'\nSTATE_DIR=%s\nSERVICES=''\n" "$state" > "$WORK/bench.config"
    t=$(now)
    XIVO_MANAGE_DB_CONFIG=$WORK/bench.config "$root/usr/sbin/xivo-update-db" > "$ART/bench-update-db.log" 2>&1 \
        || fail "xivo-update-db on the copy failed: $(tail -3 "$ART/bench-update-db.log")"
    timing bench-xivo-update-db "$(elapsed "$t")"
    pg_ctlcluster 15 bench stop
    pg_dropcluster 15 bench
}
