//! `queue-log stats`: how big queue_log is and what the upgrade will cost
//! on it. Rows: by default the planner's estimate (reltuples scaled to the
//! table's current size, as the planner does), after a sampling `ANALYZE`
//! when the statistics are missing or stale; `--exact` counts, a range of
//! pages at a time with progress. The upgrade time is the merge's own
//! calibration (`merge::queue_log::calibrate`), kept for a day in
//! `STATE_DIR` (`throughput.rs`). Changes nothing but the table's
//! statistics and that figure.

use tokio_postgres::Client;

use super::prepare::{self, State};
use crate::json::{self, Value};
use crate::merge::queue_log as merge_queue_log;
use crate::pg::{self, PgError};
use crate::progress::{self, Progress};

/// Statistics older than this share of modified rows are refreshed.
const STALE_FRACTION: f64 = 0.005;
/// Pages per `--exact` counting step.
const COUNT_PAGES: i64 = 20_000;
/// Candidates read at each end of the `time` index.
const TIME_CANDIDATES: i64 = 50;

pub struct Stats {
    pub database: String,
    pub rows: u64,
    pub exact: bool,
    /// An ANALYZE ran first (statistics were missing or stale).
    pub analyzed: bool,
    /// Heap, indexes and TOAST.
    pub total_bytes: i64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    pub state: State,
    /// Extra upgrade time on this host; `Some(0.0)` when `id` is there.
    pub upgrade_seconds: Option<f64>,
}

/// `throughput`: where this host's measured rewrite rate is kept between
/// runs (`throughput::Cache`), so that a second `stats` measures nothing.
pub async fn stats(
    client: &Client,
    database: &str,
    exact: bool,
    throughput: &super::throughput::Cache,
) -> Result<Stats, PgError> {
    let state = prepare::state(client).await?;
    if state == State::Absent {
        return Err(PgError::Query {
            what: "reading queue_log".into(),
            reason: format!(
                "database '{database}' has no table public.queue_log (check DB_NAME in the config)"
            ),
        });
    }
    let mut analyzed = false;
    let rows = if exact {
        exact_count(client).await?
    } else {
        if stale(client).await? {
            client
                .batch_execute("ANALYZE public.queue_log")
                .await
                .map_err(|e| pg::query_error("analysing queue_log", &e))?;
            analyzed = true;
        }
        estimated(client).await?
    };
    let total_bytes: i64 = client
        .query_one("SELECT pg_total_relation_size('public.queue_log')", &[])
        .await
        .map_err(|e| pg::query_error("sizing queue_log", &e))?
        .get(0);
    let (oldest, newest) = time_range(client).await?;
    let upgrade_seconds = match state {
        State::Done => Some(0.0),
        // The merge finishes a partial prepare offline: no rewrite, but a
        // scan and an index build; not calibrated.
        State::Partial | State::Absent => None,
        State::NoId if rows < merge_queue_log::CALIBRATE_FROM => Some(0.0),
        State::NoId => {
            let rate = match throughput.read() {
                Some(rate) => rate,
                None => {
                    let rate = merge_queue_log::calibrate(client).await?;
                    throughput.write(rate);
                    rate
                }
            };
            let e = merge_queue_log::Estimate {
                rows,
                heap_bytes: 0,
                rows_per_second: Some(rate),
            };
            Some(e.seconds().unwrap_or(0.0))
        }
    };
    Ok(Stats {
        database: database.into(),
        rows,
        exact,
        analyzed,
        total_bytes,
        oldest,
        newest,
        state,
        upgrade_seconds,
    })
}

/// Never analysed, or more than STALE_FRACTION of the rows changed since.
async fn stale(client: &Client) -> Result<bool, PgError> {
    let row = client
        .query_one(
            "SELECT c.reltuples, coalesce(s.n_mod_since_analyze, 0), \
                    s.last_analyze IS NULL AND s.last_autoanalyze IS NULL \
               FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid \
              WHERE c.oid = 'public.queue_log'::regclass",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading queue_log's statistics", &e))?;
    let (reltuples, modified, never): (f32, i64, bool) = (row.get(0), row.get(1), row.get(2));
    Ok(reltuples < 0.0 || never || modified as f64 > f64::from(reltuples) * STALE_FRACTION)
}

/// The planner's estimate: rows per page times the pages there are now.
async fn estimated(client: &Client) -> Result<u64, PgError> {
    let row = client
        .query_one(
            "SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 \
                         THEN c.reltuples / c.relpages \
                              * (pg_relation_size(c.oid) / current_setting('block_size')::int) \
                         ELSE 0 END::float8 \
               FROM pg_class c WHERE c.oid = 'public.queue_log'::regclass",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("estimating queue_log's rows", &e))?;
    Ok(row.get::<_, f64>(0).round().max(0.0) as u64)
}

async fn exact_count(client: &Client) -> Result<u64, PgError> {
    let what = "counting queue_log's rows";
    let pages: i64 = client
        .query_one(
            "SELECT (pg_relation_size('public.queue_log') / current_setting('block_size')::int)::bigint",
            &[],
        )
        .await
        .map_err(|e| pg::query_error(what, &e))?
        .get(0);
    let mut p = Progress::new(what, "pages", pages.max(0) as u64);
    let mut rows = 0i64;
    let mut start = 0i64;
    // The last step is open-ended: rows inserted meanwhile at the end count.
    loop {
        let end = start + COUNT_PAGES;
        let upper = if end >= pages {
            String::new()
        } else {
            format!(" AND ctid < '({end},0)'::tid")
        };
        let n: i64 = client
            .query_one(
                &format!(
                    "SELECT count(*) FROM public.queue_log WHERE ctid >= '({start},0)'::tid{upper}"
                ),
                &[],
            )
            .await
            .map_err(|e| pg::query_error(what, &e))?
            .get(0);
        rows += n;
        if end >= pages {
            break;
        }
        start = end;
        p.update(start as u64);
    }
    p.finish(pages.max(0) as u64);
    Ok(rows.max(0) as u64)
}

/// Oldest and newest `time`. 14.07 stores it as text
/// (`YYYY-MM-DD HH:MM:SS.ffffff`): the ends of its index are read (cheap),
/// values that are not such a time (the default '') skipped, and the
/// candidates compared in byte order, which is time order for that format
/// whatever the database's collation.
async fn time_range(client: &Client) -> Result<(Option<String>, Option<String>), PgError> {
    let row = client
        .query_one(
            &format!(
                "SELECT min(t COLLATE \"C\"), max(t COLLATE \"C\") FROM ( \
                   (SELECT \"time\" AS t FROM public.queue_log WHERE \"time\" > '' ORDER BY \"time\" LIMIT {n}) \
                   UNION ALL \
                   (SELECT \"time\" FROM public.queue_log WHERE \"time\" > '' ORDER BY \"time\" DESC LIMIT {n}) \
                 ) s WHERE t ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}'",
                n = TIME_CANDIDATES
            ),
            &[],
        )
        .await
        .map_err(|e| pg::query_error("reading queue_log's oldest and newest time", &e))?;
    Ok((row.get(0), row.get(1)))
}

impl Stats {
    pub fn text(&self) -> String {
        let rows = if self.exact {
            format!("{} (exact count)", progress::thousands(self.rows))
        } else {
            format!(
                "about {} (estimate from the table's statistics{}; --exact counts)",
                progress::thousands(self.rows),
                if self.analyzed { ", analysed now" } else { "" }
            )
        };
        let upgrade = match (self.state, self.upgrade_seconds) {
            (State::Done, _) => "none: queue_log already has its id".to_string(),
            (_, Some(s)) if s > 0.0 => format!(
                "about {} with the services stopped (queue-log prepare does it now, online)",
                progress::duration(s)
            ),
            (State::NoId, _) => "a few seconds (small table)".to_string(),
            _ => "the upgrade finishes the prepare offline (run queue-log prepare again to finish it online)"
                .to_string(),
        };
        format!(
            "database:\t{}\nrows:\t\t{rows}\nsize:\t\t{} MiB (table, indexes and TOAST)\n\
             oldest time:\t{}\nnewest time:\t{}\nid column:\t{}\nupgrade time:\t{upgrade}\n",
            self.database,
            self.total_bytes / (1024 * 1024),
            self.oldest.as_deref().unwrap_or("-"),
            self.newest.as_deref().unwrap_or("-"),
            self.state.describe(),
        )
    }

    pub fn json(&self) -> String {
        let state = match self.state {
            State::Absent => "absent",
            State::NoId => "no-id",
            State::Partial => "partial",
            State::Done => "done",
        };
        let mut fields = vec![
            ("database", Value::from(self.database.as_str())),
            ("rows", self.rows.into()),
            ("rows_exact", self.exact.into()),
            ("analyzed", self.analyzed.into()),
            ("total_bytes", self.total_bytes.into()),
            ("oldest_time", self.oldest.clone().into()),
            ("newest_time", self.newest.clone().into()),
            (
                "has_id",
                matches!(self.state, State::Partial | State::Done).into(),
            ),
            ("id_state", state.into()),
        ];
        fields.push((
            "upgrade_seconds",
            self.upgrade_seconds.map_or(Value::Null, Value::Float),
        ));
        json::object(fields) + "\n"
    }
}
