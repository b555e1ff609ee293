# Sourced by the demo and benchmark scripts: a throwaway PostgreSQL 15
# cluster in a temp dir, unix socket only, run as postgres when root.
# After start_cluster: $CLUSTER_DIR, $PGPORT_X, $CONFIG, $SUPER; stop_cluster
# (installed as an EXIT trap) stops it and removes everything.

PG_BIN=/usr/lib/postgresql/15/bin

as_super() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
    CLUSTER_DIR=$(mktemp -d /tmp/xivo-manage-db-demo.XXXXXX)
    PGPORT_X=${PGPORT_X:-54329}
    if [ "$(id -u)" = 0 ]; then SUPER=postgres; chown postgres: "$CLUSTER_DIR"; else SUPER=$(id -un); fi
    trap stop_cluster EXIT
    as_super "$PG_BIN/initdb" -D "$CLUSTER_DIR/data" -E UTF8 --locale=C.UTF-8 -A peer --no-sync >/dev/null
    printf 'local all %s peer\nlocal all all scram-sha-256\n' "$SUPER" > "$CLUSTER_DIR/data/pg_hba.conf"
    printf "listen_addresses = ''\nmax_connections = 50\n${CLUSTER_EXTRA_CONF:-}\n" >> "$CLUSTER_DIR/data/postgresql.conf"
    as_super "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log" -w \
        -o "-k $CLUSTER_DIR -p $PGPORT_X" start >/dev/null
    mkdir -p "$CLUSTER_DIR/state"
    CONFIG=$CLUSTER_DIR/config
    cat > "$CONFIG" <<EOC
ADMIN_URI='host=$CLUSTER_DIR port=$PGPORT_X user=$SUPER'
STATE_DIR=$CLUSTER_DIR/state
EOC
    chmod 644 "$CONFIG"
    export XIVO_MANAGE_DB_CONFIG=$CONFIG
}

stop_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_super "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
}

# psql as the superuser on the throwaway cluster: psql_x DB [psql args...]
psql_x() {
    local db=$1; shift
    as_super psql -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER_DIR" -p "$PGPORT_X" -U "$SUPER" -d "$db" "$@"
}
