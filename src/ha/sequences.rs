//! Sequences, which logical replication does not carry: the slave's are
//! brought up to the master's (`ha sync-sequences`, never backwards), and
//! at promotion each replicated sequence is set past the largest value its
//! table's column holds. A sequence used by an excluded table is the
//! slave's own and never touched (as `replicate` decides).

use std::collections::BTreeMap;

use tokio_postgres::Client;

use super::HaError;
use crate::error::Error;
use crate::merge::copy::Sequence;
use crate::replicate::catalog;

/// The sequences replication covers: those no excluded table uses.
async fn replicated(
    client: &Client,
    exclusions: &[String],
    side: &str,
) -> Result<Vec<String>, Error> {
    let uses = catalog::sequence_uses(client, side).await?;
    let excluded = |t: &str| {
        let (schema, name) = t.split_once('.').unwrap_or(("public", t));
        exclusions.iter().any(|e| match e.split_once('.') {
            Some((s, n)) => s == schema.trim_matches('"') && n == name.trim_matches('"'),
            None => e == name.trim_matches('"'),
        })
    };
    Ok(uses
        .into_iter()
        .filter(|u| !u.tables.iter().any(|t| excluded(t)))
        .map(|u| u.qualified)
        .collect())
}

/// The value the next `nextval` will go past.
fn used(s: &Sequence) -> i64 {
    if s.is_called {
        s.last_value
    } else {
        s.last_value.saturating_sub(1)
    }
}

/// The slave's sequences behind the master's: (name, slave's, master's).
pub async fn behind(
    master: &Client,
    slave: &Client,
    exclusions: &[String],
) -> Result<Vec<(String, i64, i64)>, Error> {
    let names = replicated(master, exclusions, "master").await?;
    let theirs = catalog::sequence_names(slave).await?;
    let names: Vec<String> = names.into_iter().filter(|n| theirs.contains(n)).collect();
    let ours = catalog::sequence_values(master, &names, "master").await?;
    let on_slave: BTreeMap<String, i64> = catalog::sequence_values(slave, &names, "slave")
        .await?
        .iter()
        .map(|s| (s.qualified.clone(), used(s)))
        .collect();
    Ok(ours
        .iter()
        .filter_map(|m| {
            let s = on_slave.get(&m.qualified).copied().unwrap_or(i64::MIN);
            (s < used(m)).then(|| (m.qualified.clone(), s, used(m)))
        })
        .collect())
}

/// Bring the slave's sequences up to the master's; returns those moved.
pub async fn sync(master: &Client, slave: &Client, exclusions: &[String]) -> Result<usize, Error> {
    let late = behind(master, slave, exclusions).await?;
    let names: Vec<&str> = late.iter().map(|(n, _, _)| n.as_str()).collect();
    let values: Vec<i64> = late.iter().map(|(_, _, m)| *m).collect();
    if !names.is_empty() {
        // setval(v, true): the next value is v + 1, as on the master.
        slave
            .query_one(
                "SELECT count(setval(n::regclass, v, true)) FROM unnest($1::text[], $2::int8[]) AS s (n, v)",
                &[&names, &values],
            )
            .await
            .map_err(|e| HaError::step("setting the sequences on the slave", &e))?;
    }
    Ok(late.len())
}

/// At promotion: every replicated sequence past the largest value of the
/// columns drawing from it (owned by, or a default calling it), never
/// backwards. Returns those moved.
pub async fn past_max(slave: &Client, exclusions: &[String]) -> Result<usize, Error> {
    let what = "setting the sequences past their tables' rows";
    let names = replicated(slave, exclusions, "slave").await?;
    let rows = slave
        .query(
            "SELECT DISTINCT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), \
                    quote_ident(tn.nspname) || '.' || quote_ident(t.relname), quote_ident(a.attname) \
               FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace \
               JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid \
               LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid \
               JOIN pg_class t ON t.oid = CASE WHEN d.classid = 'pg_attrdef'::regclass THEN ad.adrelid END \
               JOIN pg_namespace tn ON tn.oid = t.relnamespace \
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ad.adnum \
              WHERE s.relkind = 'S' AND t.relkind = 'r' \
                AND format_type(a.atttypid, NULL) IN ('integer', 'bigint', 'smallint') \
             UNION \
             SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), \
                    quote_ident(tn.nspname) || '.' || quote_ident(t.relname), quote_ident(a.attname) \
               FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace \
               JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid \
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0 \
               JOIN pg_class t ON t.oid = d.refobjid AND t.relkind = 'r' \
               JOIN pg_namespace tn ON tn.oid = t.relnamespace \
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid \
              WHERE s.relkind = 'S' AND format_type(a.atttypid, NULL) IN ('integer', 'bigint', 'smallint') \
              ORDER BY 1, 2, 3",
            &[],
        )
        .await
        .map_err(|e| HaError::step(what, &e))?;
    // (sequence, table, column) of the replicated sequences only.
    let (mut seqs, mut tables, mut columns) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let seq: String = r.get(0);
        if names.contains(&seq) {
            seqs.push(seq);
            tables.push(r.get::<_, String>(1));
            columns.push(r.get::<_, String>(2));
        }
    }
    // One statement for all (a failover waits on it): each column's max
    // read by query_to_xml, the sequence moved only forward. The names are
    // quote_ident spellings read from the catalog.
    let row = slave
        .query_one(
            "SELECT count(setval(s::regclass, m, true)) FROM ( \
                SELECT s, max(m) AS m FROM ( \
                  SELECT s, (xpath('/row/m/text()', query_to_xml( \
                            format('SELECT max(%s)::int8 AS m FROM %s', c, t), false, true, '')))[1]::text::int8 AS m \
                    FROM unnest($1::text[], $2::text[], $3::text[]) AS u (s, t, c)) x \
                 GROUP BY s) y \
              WHERE m IS NOT NULL AND m > coalesce(pg_sequence_last_value(s::regclass), 0)",
            &[&seqs, &tables, &columns],
        )
        .await
        .map_err(|e| HaError::step(what, &e))?;
    let moved = usize::try_from(row.get::<_, i64>(0)).unwrap_or(0);
    Ok(moved)
}
