//! `ha status [--json]`: the pair as seen from both hosts. From the
//! master: the slot (active, WAL it retains, `wal_status`: `lost` means the
//! slave can no longer catch up), the lag in bytes (WAL not yet confirmed
//! by the slave) and seconds (the walsender's replay lag). From the slave:
//! the subscription, its worker, each table's sync state
//! (pg_subscription_rel), its error counts since `enable` (PostgreSQL 15
//! keeps counts in pg_stat_subscription_stats; the text is in the slave's
//! server log), and the sequences behind the master's. Exit 0 healthy, 1
//! not, 2 not enabled. Read-only.

use tokio_postgres::Client;

use super::{sequences, side, Side, NAME};
use crate::config::Config;
use crate::error::Error;
use crate::json::{self, Value};
use crate::pg::Superuser;

#[derive(Default)]
struct Seen {
    problems: Vec<String>,
    slot_active: Option<bool>,
    wal_status: Option<String>,
    retained_bytes: Option<i64>,
    lag_bytes: Option<i64>,
    lag_seconds: Option<f64>,
    enabled: Option<bool>,
    worker: Option<bool>,
    tables_ready: i64,
    tables_not_ready: Vec<String>,
    apply_errors: Option<i64>,
    sync_errors: Option<i64>,
    sequences_behind: Vec<String>,
}

/// Text or one JSON object, and the exit code.
pub async fn status(
    config: &Config,
    admin: &Superuser,
    exclusions: &[String],
    as_json: bool,
) -> Result<(String, u8), Error> {
    let local = admin.connect(&config.db_name).await?;
    let (role, master, slave) = match side(&local).await? {
        Side::None => return Err(super::not_enabled()),
        Side::Master { slave } => (
            "master",
            Ok(local),
            super::connect_slave(config, slave.as_deref()).await,
        ),
        Side::Slave { master } => (
            "slave",
            super::connect_master(config, &master).await,
            Ok(local),
        ),
    };
    let mut seen = Seen::default();
    match &master {
        Ok(m) => read_master(m, &mut seen).await,
        Err(e) => seen
            .problems
            .push(format!("the master cannot be reached: {e}")),
    }
    match &slave {
        Ok(s) => read_slave(s, &mut seen).await,
        Err(e) => seen
            .problems
            .push(format!("the slave cannot be reached: {e}")),
    }
    if let (Ok(m), Ok(s)) = (&master, &slave) {
        match unsubscribed(m, s).await {
            Ok(t) if !t.is_empty() => seen.problems.push(format!(
                "tables published by the master that the slave does not take in: {} \
                 (upgrade the slave with xivo-update-db, which refreshes its subscription)",
                t.join(", ")
            )),
            Ok(_) => {}
            Err(e) => seen.problems.push(format!("comparing the tables: {e}")),
        }
        match sequences::behind(m, s, exclusions).await {
            Ok(b) => {
                seen.sequences_behind = b
                    .into_iter()
                    .map(|(n, s, m)| format!("{n} ({s} < {m})"))
                    .collect()
            }
            Err(e) => seen.problems.push(format!("comparing the sequences: {e}")),
        }
    }
    let code = u8::from(!seen.problems.is_empty());
    let text = if as_json {
        json_of(role, &seen)
    } else {
        text_of(role, &seen)
    };
    Ok((text, code))
}

async fn read_master(m: &Client, seen: &mut Seen) {
    let row = m
        .query_opt(
            "SELECT s.active, s.wal_status, \
                    pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::int8, \
                    pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::int8, \
                    (SELECT extract(epoch FROM r.replay_lag)::float8 FROM pg_stat_replication r \
                      WHERE r.pid = s.active_pid) \
               FROM pg_replication_slots s WHERE s.slot_name = $1",
            &[&NAME],
        )
        .await;
    match row {
        Err(e) => seen.problems.push(format!("reading the slot: {}", crate::pg::describe(&e))),
        Ok(None) => seen.problems.push(format!(
            "the master has no slot {NAME}: run xivo-manage-db ha disable, then ha enable SLAVE on the master"
        )),
        Ok(Some(r)) => {
            let active: bool = r.get(0);
            let wal: Option<String> = r.get(1);
            let lag: Option<i64> = r.get(3);
            seen.slot_active = Some(active);
            seen.retained_bytes = r.get(2);
            seen.lag_bytes = lag;
            // Caught up: no lag, whatever the last measured replay time.
            seen.lag_seconds = if lag.unwrap_or(1) <= 0 { Some(0.0) } else { r.get(4) };
            if wal.as_deref() == Some("lost") {
                seen.problems.push(format!(
                    "slot {NAME} lost WAL the slave needed (max_slot_wal_keep_size): the slave cannot catch up; \
                     run xivo-manage-db ha disable, then ha enable SLAVE on the master (a new full copy)"
                ));
            } else if !active {
                seen.problems.push(format!(
                    "slot {NAME} is not in use: the slave is not receiving (down, cut off, or its apply failing)"
                ));
            }
            seen.wal_status = wal;
        }
    }
}

async fn read_slave(s: &Client, seen: &mut Seen) {
    let Ok(Some(sub)) = super::subscription::find(s).await else {
        seen.problems.push(format!(
            "the slave has no subscription {NAME}: run ha enable SLAVE on the master"
        ));
        return;
    };
    seen.enabled = Some(sub.enabled);
    if !sub.enabled {
        seen.problems
            .push(format!("subscription {NAME} is disabled on the slave"));
    }
    let row = s
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_subscription WHERE subid = $1 AND relid IS NULL AND pid IS NOT NULL), \
                    coalesce((SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subid = $1), 0), \
                    coalesce((SELECT sync_error_count FROM pg_stat_subscription_stats WHERE subid = $1), 0), \
                    (SELECT count(*) FROM pg_subscription_rel WHERE srsubid = $1 AND srsubstate = 'r'), \
                    ARRAY(SELECT srrelid::regclass::text || ' (' || srsubstate::text || ')' FROM pg_subscription_rel \
                           WHERE srsubid = $1 AND srsubstate <> 'r' ORDER BY 1)",
            &[&sub.oid],
        )
        .await;
    match row {
        Err(e) => seen.problems.push(format!(
            "reading the subscription: {}",
            crate::pg::describe(&e)
        )),
        Ok(r) => {
            let worker: bool = r.get(0);
            let apply: i64 = r.get(1);
            seen.worker = Some(worker);
            seen.apply_errors = Some(apply);
            seen.sync_errors = Some(r.get(2));
            seen.tables_ready = r.get(3);
            seen.tables_not_ready = r.get(4);
            if sub.enabled && !worker {
                seen.problems.push(
                    "the slave's apply worker is not running (see the slave's server log)".into(),
                );
            }
            if apply > 0 && seen.lag_bytes.unwrap_or(1) > 0 {
                seen.problems.push(format!(
                    "{apply} apply errors on the slave since enable and changes still waiting: \
                     the error text is in the slave's PostgreSQL log (a row written on the slave \
                     conflicting with the master's, or a schema that differs: upgrade both hosts)"
                ));
            }
            if !seen.tables_not_ready.is_empty() {
                seen.problems.push(format!(
                    "tables not in sync: {}",
                    seen.tables_not_ready.join(", ")
                ));
            }
        }
    }
}

fn json_of(role: &str, s: &Seen) -> String {
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Int);
    let boolean = |v: Option<bool>| v.map_or(Value::Null, Value::Bool);
    let mut out = json::object(vec![
        ("host", role.into()),
        ("healthy", s.problems.is_empty().into()),
        ("slot_active", boolean(s.slot_active)),
        (
            "slot_wal_status",
            s.wal_status.clone().map_or(Value::Null, Value::Str),
        ),
        ("slot_retained_wal_bytes", int(s.retained_bytes)),
        ("lag_bytes", int(s.lag_bytes)),
        (
            "lag_seconds",
            s.lag_seconds.map_or(Value::Null, Value::Float),
        ),
        ("subscription_enabled", boolean(s.enabled)),
        ("apply_worker_running", boolean(s.worker)),
        ("tables_ready", Value::Int(s.tables_ready)),
        (
            "tables_not_ready",
            Value::StrList(s.tables_not_ready.clone()),
        ),
        ("apply_error_count", int(s.apply_errors)),
        ("sync_error_count", int(s.sync_errors)),
        ("sequences_current", s.sequences_behind.is_empty().into()),
        (
            "sequences_behind",
            Value::StrList(s.sequences_behind.clone()),
        ),
        ("problems", Value::StrList(s.problems.clone())),
    ]);
    out.push('\n');
    out
}

fn text_of(role: &str, s: &Seen) -> String {
    let opt = |v: Option<i64>| v.map_or("unknown".to_string(), |n| n.to_string());
    let mut t = format!("this host: {role}\n");
    t.push_str(&format!(
        "slot: {} ({}), retained WAL {} bytes\n",
        match s.slot_active {
            Some(true) => "active",
            Some(false) => "inactive",
            None => "unknown",
        },
        s.wal_status.as_deref().unwrap_or("unknown"),
        opt(s.retained_bytes)
    ));
    t.push_str(&format!(
        "lag: {} bytes, {}\n",
        opt(s.lag_bytes),
        s.lag_seconds
            .map_or("unknown seconds".to_string(), crate::duration::seconds)
    ));
    t.push_str(&format!(
        "tables: {} ready{}\n",
        s.tables_ready,
        if s.tables_not_ready.is_empty() {
            String::new()
        } else {
            format!(", not ready: {}", s.tables_not_ready.join(", "))
        }
    ));
    t.push_str(&format!(
        "errors since enable: {} apply, {} sync (the text is in the slave's server log)\n",
        opt(s.apply_errors),
        opt(s.sync_errors)
    ));
    t.push_str(&if s.sequences_behind.is_empty() {
        "sequences: current\n".to_string()
    } else {
        format!(
            "sequences behind the master's (run ha sync-sequences): {}\n",
            s.sequences_behind.join(", ")
        )
    });
    if s.problems.is_empty() {
        t.push_str("healthy\n");
    } else {
        for p in &s.problems {
            t.push_str(&format!("problem: {p}\n"));
        }
    }
    t
}

/// Tables the publication lists that the subscription does not know (an
/// upgrade's new table, before the slave's refresh).
async fn unsubscribed(m: &Client, s: &Client) -> Result<Vec<String>, tokio_postgres::Error> {
    let published: Vec<String> = m
        .query(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) \
               FROM pg_publication_tables WHERE pubname = $1",
            &[&NAME],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let taken = super::subscription::known_tables(s).await?;
    Ok(published
        .into_iter()
        .filter(|t| !taken.contains(t))
        .collect())
}
