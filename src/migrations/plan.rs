//! The planner: which migrations to apply, in which order, and how they
//! commit. The graph's order is kept (a migration runs only once all its
//! parents have run) and the work is cut in segments: a run of transactional
//! migrations, committed in one transaction with the `alembic_version`
//! update; a non-transactional migration, alone, recorded right after it;
//! the next transactional run... so that a run stopped between two segments
//! leaves `alembic_version` naming only revisions whose ancestors all ran.
//!
//! Pure logic: it never touches a database (that is `apply.rs`).

use std::collections::BTreeSet;
use std::fmt;

use super::migration::Migration;

/// One commit of a plan.
#[derive(Debug)]
pub enum Segment<'a> {
    /// Transactional migrations, in order, committed together with the
    /// `alembic_version` update: all of them or none.
    Transaction(Vec<&'a Migration>),
    /// A non-transactional migration: runs alone, then its history row and
    /// the `alembic_version` update commit.
    Alone(&'a Migration),
}

impl<'a> Segment<'a> {
    pub fn migrations(&self) -> &[&'a Migration] {
        match self {
            Segment::Transaction(ms) => ms,
            Segment::Alone(m) => std::slice::from_ref(m),
        }
    }
}

/// What a database needs to reach head.
#[derive(Debug)]
pub struct Plan<'a> {
    /// The revisions already applied, which the first segment builds on.
    pub done: BTreeSet<String>,
    pub segments: Vec<Segment<'a>>,
}

impl<'a> Plan<'a> {
    /// Cut `ordered` (parents before children) into segments.
    pub(super) fn new(done: BTreeSet<String>, ordered: Vec<&'a Migration>) -> Plan<'a> {
        let mut segments: Vec<Segment<'a>> = Vec::new();
        for m in ordered {
            match segments.last_mut() {
                _ if !m.transactional() => segments.push(Segment::Alone(m)),
                Some(Segment::Transaction(run)) => run.push(m),
                _ => segments.push(Segment::Transaction(vec![m])),
            }
        }
        Plan { done, segments }
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// How many migrations are pending.
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.migrations().len()).sum()
    }

    /// Every pending migration, in the order they run.
    pub fn migrations(&self) -> impl Iterator<Item = &'a Migration> + '_ {
        self.segments
            .iter()
            .flat_map(|s| s.migrations().iter().copied())
    }
}

/// For the log: `in one transaction: a, b; alone: c; in one transaction: d`.
impl fmt::Display for Plan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("nothing");
        }
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let revisions: Vec<&str> = s.migrations().iter().map(|m| m.revision()).collect();
            match s {
                Segment::Transaction(_) => {
                    write!(f, "in one transaction: {}", revisions.join(", "))?
                }
                Segment::Alone(_) => write!(f, "alone: {}", revisions.join(", "))?,
            }
        }
        Ok(())
    }
}

/// Kahn's algorithm: indexes of `pending` so that each migration comes after
/// its parents (parents outside `pending` count as applied). Among the ready
/// migrations the transactional ones go first, so that each transaction holds
/// as much as the graph allows, then the smallest file name, so that the
/// order (and a run's log) is the same on every host. `Err` holds the indexes
/// left on a cycle.
pub(super) fn graph_order(pending: &[&Migration]) -> Result<Vec<usize>, Vec<usize>> {
    let revisions: BTreeSet<&str> = pending.iter().map(|m| m.revision()).collect();
    let mut emitted: BTreeSet<&str> = BTreeSet::new();
    let mut left: Vec<usize> = (0..pending.len()).collect();
    let mut order = Vec::with_capacity(pending.len());
    while !left.is_empty() {
        let next = left
            .iter()
            .enumerate()
            .filter(|(_, &i)| {
                pending[i]
                    .down_revisions()
                    .iter()
                    .all(|p| !revisions.contains(p.as_str()) || emitted.contains(p.as_str()))
            })
            .min_by_key(|(_, &i)| (!pending[i].transactional(), pending[i].file()))
            .map(|(at, _)| at);
        let Some(at) = next else {
            return Err(left);
        };
        let i = left.remove(at);
        emitted.insert(pending[i].revision());
        order.push(i);
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::Segment;
    use crate::migrations::source::RawFile;
    use crate::migrations::MigrationSet;

    /// A set from (revision, parents, transactional); the first is the baseline.
    fn set_of(spec: &[(&str, &str, bool)]) -> MigrationSet {
        let files: Vec<RawFile> = spec
            .iter()
            .enumerate()
            .map(|(i, (rev, down, transactional))| RawFile {
                name: if i == 0 {
                    "baseline.sql".to_string()
                } else {
                    format!("versions/{rev}_x.sql")
                },
                bytes: format!(
                    "-- revision: {rev}\n-- down_revision: {down}\n-- message: m\n-- transactional: {transactional}\nSELECT 1;\n"
                )
                .into_bytes(),
            })
            .collect();
        MigrationSet::from_files(&files).expect("valid set")
    }

    /// `T[a b] A[c]`: the plan's segments, for readable asserts.
    fn segments(set: &MigrationSet, current: &[&str], recorded: &[&str]) -> String {
        let current: Vec<String> = current.iter().map(|r| r.to_string()).collect();
        let recorded: BTreeSet<String> = recorded.iter().map(|r| r.to_string()).collect();
        let plan = set.plan(&current, &recorded).expect("plan");
        plan.segments
            .iter()
            .map(|s| {
                let revs: Vec<&str> = s.migrations().iter().map(|m| m.revision()).collect();
                match s {
                    Segment::Transaction(_) => format!("T[{}]", revs.join(" ")),
                    Segment::Alone(_) => format!("A[{}]", revs.join(" ")),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The heads `alembic_version` holds after each segment of the plan.
    fn heads_after_each(set: &MigrationSet, current: &[&str]) -> Vec<Vec<String>> {
        let current: Vec<String> = current.iter().map(|r| r.to_string()).collect();
        let plan = set.plan(&current, &BTreeSet::new()).expect("plan");
        let mut done = plan.done.clone();
        plan.segments
            .iter()
            .map(|s| {
                done.extend(s.migrations().iter().map(|m| m.revision().to_string()));
                set.heads_of_applied(done.iter().map(String::as_str))
            })
            .collect()
    }

    #[test]
    fn a_chain_alternates_transactional_runs_and_migrations_alone() {
        let set = set_of(&[
            ("r0", "None", true),
            ("t1", "r0", true),
            ("n2", "t1", false),
            ("t3", "n2", true),
            ("t4", "t3", true),
            ("n5", "t4", false),
            ("n6", "n5", false),
            ("t7", "n6", true),
        ]);
        assert_eq!(
            segments(&set, &[], &[]),
            "T[r0 t1] A[n2] T[t3 t4] A[n5] A[n6] T[t7]"
        );
        assert_eq!(segments(&set, &["t3"], &["n2"]), "T[t4] A[n5] A[n6] T[t7]");
        assert_eq!(segments(&set, &["n5"], &["n2", "n5"]), "A[n6] T[t7]");
        assert_eq!(segments(&set, &["t7"], &["n2", "n5", "n6"]), "");
        let plan = set.plan(&["t1".into()], &BTreeSet::new()).expect("plan");
        assert_eq!(
            plan.to_string(),
            "alone: n2; in one transaction: t3, t4; alone: n5; alone: n6; in one transaction: t7"
        );
        assert_eq!(plan.len(), 6);
    }

    #[test]
    fn a_merge_waits_for_its_non_transactional_parent() {
        // The real set's shape: the merge revision's parents are a
        // non-transactional index and a transactional one. `a3` sorts first
        // by name, yet the transactional branch joins the first transaction.
        let set = set_of(&[
            ("r0", "None", true),
            ("r1", "r0", true),
            ("r2", "r1", true),
            ("a3", "r2", false),
            ("b4", "r2", true),
            ("m5", "a3, b4", true),
        ]);
        assert_eq!(segments(&set, &[], &[]), "T[r0 r1 r2 b4] A[a3] T[m5]");
        assert_eq!(
            heads_after_each(&set, &[]),
            [vec!["b4"], vec!["a3", "b4"], vec!["m5"]]
        );
        // A 14.07 host, stamped at the baseline.
        assert_eq!(segments(&set, &["r0"], &["r0"]), "T[r1 r2 b4] A[a3] T[m5]");
        // Stopped after the first segment, after the second.
        assert_eq!(segments(&set, &["b4"], &[]), "A[a3] T[m5]");
        assert_eq!(segments(&set, &["a3", "b4"], &["a3"]), "T[m5]");
        // An older xivo-manage-db set alembic_version to head before running
        // a3: only a3 is left, the merge is not redone.
        assert_eq!(segments(&set, &["m5"], &[]), "A[a3]");
        assert_eq!(heads_after_each(&set, &["m5"]), [vec!["m5"]]);
    }

    #[test]
    fn a_transactional_migration_ready_only_after_one_alone_starts_a_new_segment() {
        let set = set_of(&[
            ("r0", "None", true),
            ("n1", "r0", false),
            ("t2", "n1", true),
            ("t3", "r0", true),
            ("n4", "r0", false),
            ("m5", "t2, t3, n4", true),
        ]);
        assert_eq!(segments(&set, &[], &[]), "T[r0 t3] A[n1] T[t2] A[n4] T[m5]");
        // A fresh install runs them in the order `migrations` lists them.
        let listed: Vec<&str> = set.all().iter().map(|m| m.revision()).collect();
        assert_eq!(listed, ["r0", "t3", "n1", "t2", "n4", "m5"]);
    }

    /// A tiny deterministic generator (no crate needed for a few graphs).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// Every plan, from every point a run can stop at, keeps the graph's
    /// order, alternates segments, makes each transaction as large as the
    /// graph allows, and leaves alembic_version naming only revisions whose
    /// ancestors are all applied.
    #[test]
    fn plans_of_generated_graphs_keep_the_order_and_the_invariant() {
        let mut rng = Lcg(7);
        for _ in 0..200 {
            let n = 2 + rng.below(10);
            let mut spec: Vec<(String, String, bool)> = vec![("g0".into(), "None".into(), true)];
            for i in 1..n {
                let mut parents: BTreeSet<String> = BTreeSet::new();
                for _ in 0..1 + rng.below(2) {
                    parents.insert(format!("g{}", rng.below(i)));
                }
                let parents: Vec<String> = parents.into_iter().collect();
                spec.push((format!("g{i}"), parents.join(", "), rng.below(3) != 0));
            }
            // One head: a merge of the heads, when there are several.
            let named: BTreeSet<String> = spec
                .iter()
                .flat_map(|(_, d, _)| d.split(", ").map(String::from))
                .collect();
            let heads: Vec<String> = spec
                .iter()
                .map(|(r, _, _)| r.clone())
                .filter(|r| !named.contains(r))
                .collect();
            if heads.len() > 1 {
                spec.push(("gz".into(), heads.join(", "), rng.below(2) == 0));
            }
            let spec_ref: Vec<(&str, &str, bool)> = spec
                .iter()
                .map(|(r, d, t)| (r.as_str(), d.as_str(), *t))
                .collect();
            let set = set_of(&spec_ref);
            let parents_of =
                |r: &str| -> Vec<String> { set.get(r).expect("known").down_revisions().to_vec() };
            // Every point a run can stop at: after each segment of a fresh plan.
            let fresh = set.plan(&[], &BTreeSet::new()).expect("plan");
            let mut stops: Vec<(Vec<String>, BTreeSet<String>)> =
                vec![(Vec::new(), BTreeSet::new())];
            let mut done = BTreeSet::new();
            for s in &fresh.segments {
                done.extend(s.migrations().iter().map(|m| m.revision().to_string()));
                stops.push((
                    set.heads_of_applied(done.iter().map(String::as_str)),
                    done.clone(),
                ));
            }
            for (current, recorded) in stops {
                let plan = set.plan(&current, &recorded).expect("plan");
                assert_eq!(plan.done, recorded, "{spec:?} at {current:?}");
                let mut applied = plan.done.clone();
                let mut previous_was_transaction = false;
                for (k, s) in plan.segments.iter().enumerate() {
                    let ms = s.migrations();
                    assert!(!ms.is_empty());
                    match s {
                        Segment::Transaction(_) => {
                            assert!(
                                !previous_was_transaction,
                                "two transactions in a row: {plan}"
                            );
                            assert!(ms.iter().all(|m| m.transactional()));
                        }
                        Segment::Alone(m) => assert!(!m.transactional()),
                    }
                    previous_was_transaction = matches!(s, Segment::Transaction(_));
                    for m in ms {
                        for p in parents_of(m.revision()) {
                            assert!(
                                applied.contains(&p),
                                "{} before its parent {p}: {plan}",
                                m.revision()
                            );
                        }
                        assert!(applied.insert(m.revision().to_string()), "twice: {plan}");
                    }
                    // The heads after this segment name nothing unapplied.
                    for h in set.heads_of_applied(applied.iter().map(String::as_str)) {
                        let ancestors = set.applied_set(std::slice::from_ref(&h)).expect("known");
                        assert!(ancestors.is_subset(&applied), "{h} at segment {k}: {plan}");
                    }
                    // A transaction ends only when no transactional migration is ready.
                    if matches!(s, Segment::Transaction(_)) {
                        let ready = set.all().iter().find(|m| {
                            m.transactional()
                                && !applied.contains(m.revision())
                                && m.down_revisions().iter().all(|p| applied.contains(p))
                        });
                        assert!(
                            ready.is_none(),
                            "{:?} was ready: {plan}",
                            ready.map(|m| m.revision())
                        );
                    }
                }
                assert_eq!(applied.len(), set.all().len(), "everything applied: {plan}");
            }
        }
    }
}
