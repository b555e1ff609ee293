//! queue_log's `id SERIAL PRIMARY KEY` as asterisk-166 leaves it: the names
//! of its sequence, key and temporary check, where a database stands on
//! the way to it, and the step that finishes it in a transaction. The
//! merge's transaction (an upgrade after an interrupted `queue-log
//! prepare`) and the online prepare (`queue_log_ops::prepare`) both use it;
//! it depends on neither.

use tokio_postgres::GenericClient;

use crate::pg::{self, PgError};

pub const SEQUENCE: &str = "queue_log_id_seq";
pub const INDEX: &str = "queue_log_pkey";
/// The temporary check that makes `SET NOT NULL` instant (the online
/// prepare's step 4, dropped at its step 5).
pub const NOT_NULL_CHECK: &str = "queue_log_id_not_null";
/// The role asterisk-166 grants the sequence to, as 14.07 did.
pub const GRANTEE: &str = "asterisk";

/// Where `queue_log` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No table `queue_log` in this database.
    Absent,
    /// No `id` column: the 14.07 table.
    NoId,
    /// `id` added, the primary key not yet (a prepare under way or killed).
    Partial,
    /// `id` and its primary key: what the upgrade wants.
    Done,
}

impl State {
    pub fn describe(self) -> &'static str {
        match self {
            State::Absent => "absent",
            State::NoId => "no id column (the upgrade rewrites the table)",
            State::Partial => "id column being added (run queue-log prepare again to finish)",
            State::Done => "id column and primary key present (nothing left for the upgrade)",
        }
    }
}

pub async fn state(c: &impl GenericClient) -> Result<State, PgError> {
    let row = c
        .query_one(
            "SELECT to_regclass('public.queue_log') IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('public.queue_log') \
                             AND attname = 'id' AND attnum > 0 AND NOT attisdropped), \
                    EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('public.queue_log') \
                             AND contype = 'p')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("inspecting queue_log", &e))?;
    Ok(match (row.get(0), row.get(1), row.get(2)) {
        (false, _, _) => State::Absent,
        (true, false, _) => State::NoId,
        (true, true, false) => State::Partial,
        (true, true, true) => State::Done,
    })
}

/// A partial state is resumed only if it is ours: the column's default
/// draws from `queue_log_id_seq`, which the column owns.
pub async fn check_ours(c: &impl GenericClient) -> Result<(), PgError> {
    let row = c
        .query_one(
            "SELECT pg_get_serial_sequence('public.queue_log', 'id'), \
                    (SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
                      WHERE attrelid = 'public.queue_log'::regclass AND attname = 'id')",
            &[],
        )
        .await
        .map_err(|e| pg::query_error("inspecting queue_log.id", &e))?;
    let seq: Option<String> = row.get(0);
    let ty: String = row.get(1);
    if seq.as_deref() != Some(&format!("public.{SEQUENCE}")) || ty != "integer" {
        return Err(PgError::Query {
            what: "preparing queue_log".into(),
            reason: format!(
                "queue_log has an id column ({ty}, sequence {}) and no primary key, which neither \
                 queue-log prepare nor the upgrade leaves; fix it by hand (drop that column) and retry",
                seq.as_deref().unwrap_or("none")
            ),
        });
    }
    Ok(())
}

/// The grant asterisk-166 gives, when its role exists (it always does on a
/// 14.07 host).
pub async fn grant(c: &impl GenericClient) -> Result<(), PgError> {
    let exists: bool = c
        .query_one(
            "SELECT to_regclass('public.queue_log_id_seq') IS NOT NULL \
                AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&GRANTEE],
        )
        .await
        .map_err(|e| pg::query_error("looking for role asterisk", &e))?
        .get(0);
    if exists {
        c.batch_execute(&format!(
            "GRANT ALL ON SEQUENCE public.{SEQUENCE} TO {GRANTEE}"
        ))
        .await
        .map_err(|e| pg::query_error(format!("granting {SEQUENCE} to {GRANTEE}"), &e))?;
    }
    Ok(())
}

/// Finish a partial prepare inside `tx` (the upgrade's transaction, services
/// stopped): nothing online is needed there, and the legacy script, which
/// only looks for the column, must find the primary key too.
pub async fn finish_in_transaction(tx: &impl GenericClient) -> Result<bool, PgError> {
    if state(tx).await? != State::Partial {
        return Ok(false);
    }
    check_ours(tx).await?;
    let what = "finishing the interrupted queue-log prepare";
    log::info!("{what}");
    tx.batch_execute(&format!(
        "UPDATE public.queue_log SET id = DEFAULT WHERE id IS NULL; \
         DROP INDEX IF EXISTS public.{INDEX}; \
         CREATE UNIQUE INDEX {INDEX} ON public.queue_log (id); \
         ALTER TABLE public.queue_log DROP CONSTRAINT IF EXISTS {NOT_NULL_CHECK}; \
         ALTER TABLE public.queue_log ALTER COLUMN id SET NOT NULL; \
         ALTER TABLE public.queue_log ADD CONSTRAINT {INDEX} PRIMARY KEY USING INDEX {INDEX};"
    ))
    .await
    .map_err(|e| pg::query_error(what, &e))?;
    grant(tx).await?;
    Ok(true)
}
