//! The revision graph: load every migration file, validate the whole set
//! before anything touches a database, and plan (with `plan.rs`) from the
//! revisions recorded in `alembic_version` to the single head.

use std::collections::{BTreeSet, HashMap};

use super::migration::Migration;
use super::plan::{graph_order, Plan};
use super::source::RawFile;
use super::MigrationError;

/// The baseline file, relative to the migrations root.
pub const BASELINE_FILE: &str = "baseline.sql";
/// Later migrations live here, one file each, named `<revision>_<slug>.sql`.
pub const VERSIONS_DIR: &str = "versions/";

/// A validated migration set: one root (the baseline), one head, no cycle,
/// every parent known. Kept in a topological order that is stable across runs.
#[derive(Debug)]
pub struct MigrationSet {
    ordered: Vec<Migration>,
    index: HashMap<String, usize>,
    head: String,
}

impl MigrationSet {
    /// Build from the files of a migrations tree (files outside `baseline.sql`
    /// and `versions/*.sql` are not migrations and are ignored here).
    pub fn from_files(files: &[RawFile]) -> Result<MigrationSet, MigrationError> {
        let mut all: Vec<Migration> = Vec::new();
        let mut baseline = None;
        for f in files {
            if f.name == BASELINE_FILE {
                let m = Migration::parse(&f.name, &f.bytes)?;
                if !m.down_revisions().is_empty() {
                    return Err(MigrationError::BadFile {
                        file: f.name.clone(),
                        reason: "the baseline must have 'down_revision: None'".into(),
                    });
                }
                baseline = Some(m.revision().to_string());
                all.push(m);
            } else if let Some(base) = f.name.strip_prefix(VERSIONS_DIR) {
                if !base.ends_with(".sql") || base.contains('/') {
                    continue;
                }
                let m = Migration::parse(&f.name, &f.bytes)?;
                if !base.starts_with(&format!("{}_", m.revision())) {
                    return Err(MigrationError::BadFile {
                        file: f.name.clone(),
                        reason: format!(
                            "the file name must start with its revision: {}_<slug>.sql",
                            m.revision()
                        ),
                    });
                }
                if m.down_revisions().is_empty() {
                    return Err(MigrationError::BadFile {
                        file: f.name.clone(),
                        reason: "'down_revision: None' is only for the baseline: name its parent revision".into(),
                    });
                }
                all.push(m);
            }
        }
        if baseline.is_none() {
            return Err(MigrationError::BadFile {
                file: BASELINE_FILE.into(),
                reason: "missing: the migration set needs a baseline".into(),
            });
        }
        let mut index = HashMap::new();
        for (i, m) in all.iter().enumerate() {
            if let Some(&j) = index.get(m.revision()) {
                let first: &Migration = &all[j];
                return Err(MigrationError::DuplicateRevision {
                    revision: m.revision().to_string(),
                    files: [first.file().to_string(), m.file().to_string()],
                });
            }
            index.insert(m.revision().to_string(), i);
        }
        for m in &all {
            if let Some(p) = m.down_revisions().iter().find(|p| !index.contains_key(*p)) {
                return Err(MigrationError::UnknownParent {
                    file: m.file().to_string(),
                    parent: p.clone(),
                });
            }
        }
        let ordered = topological(all)?;
        let index: HashMap<String, usize> = ordered
            .iter()
            .enumerate()
            .map(|(i, m)| (m.revision().to_string(), i))
            .collect();
        let heads = heads_of(&ordered, ordered.iter().map(|m| m.revision()));
        if heads.len() != 1 {
            return Err(MigrationError::SeveralHeads {
                heads: heads
                    .iter()
                    .map(|h| format!("{h} ({})", ordered[index[h.as_str()]].file()))
                    .collect(),
            });
        }
        let head = heads.into_iter().next().unwrap_or_default();
        Ok(MigrationSet {
            ordered,
            index,
            head,
        })
    }

    pub fn head(&self) -> &str {
        &self.head
    }

    /// The baseline revision: what a merged 14.07 host is stamped with.
    pub fn baseline(&self) -> &Migration {
        &self.ordered[0]
    }

    pub fn get(&self, revision: &str) -> Option<&Migration> {
        self.index.get(revision).map(|&i| &self.ordered[i])
    }

    /// Every migration, baseline first, parents before children: the order
    /// a fresh install applies them in.
    pub fn all(&self) -> &[Migration] {
        &self.ordered
    }

    /// What to apply to go from `current` (the rows of `alembic_version`;
    /// empty = nothing yet, not even the baseline) to head, in the graph's
    /// order, cut in segments (see `plan.rs`). A non-transactional migration
    /// counts as done only once it has a row in the history table
    /// (`recorded`): an older xivo-manage-db set `alembic_version` to head
    /// before running them, so a run of it stopped there left one unrun.
    pub fn plan(
        &self,
        current: &[String],
        recorded: &BTreeSet<String>,
    ) -> Result<Plan<'_>, MigrationError> {
        let mut done = self.applied_set(current)?;
        done.retain(|r| self.get(r).is_some_and(Migration::transactional) || recorded.contains(r));
        let pending: Vec<&Migration> = self
            .ordered
            .iter()
            .filter(|m| !done.contains(m.revision()))
            .collect();
        let order =
            graph_order(&pending).map_err(|left| cycle(left.iter().map(|&i| pending[i])))?;
        Ok(Plan::new(
            done,
            order.into_iter().map(|i| pending[i]).collect(),
        ))
    }

    /// `current` and all its ancestors.
    pub fn applied_set(&self, current: &[String]) -> Result<BTreeSet<String>, MigrationError> {
        let mut applied = BTreeSet::new();
        let mut stack: Vec<&str> = Vec::new();
        for rev in current {
            if !self.index.contains_key(rev.as_str()) {
                return Err(MigrationError::UnknownRevision {
                    revision: rev.clone(),
                    head: self.head.clone(),
                });
            }
            stack.push(rev);
        }
        while let Some(rev) = stack.pop() {
            if applied.insert(rev.to_string()) {
                if let Some(m) = self.get(rev) {
                    stack.extend(m.down_revisions().iter().map(String::as_str));
                }
            }
        }
        Ok(applied)
    }

    /// The heads of an applied set: what `alembic_version` must hold.
    pub fn heads_of_applied<'a>(&self, applied: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        heads_of(&self.ordered, applied)
    }
}

/// Members of `revs` that are no other member's parent, sorted.
fn heads_of<'a>(all: &[Migration], revs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let set: BTreeSet<&str> = revs.into_iter().collect();
    let mut parents = BTreeSet::new();
    for m in all.iter().filter(|m| set.contains(m.revision())) {
        parents.extend(m.down_revisions().iter().map(String::as_str));
    }
    set.into_iter()
        .filter(|r| !parents.contains(r))
        .map(String::from)
        .collect()
}

/// Parents before children, in the planner's order (see `graph_order`).
fn topological(all: Vec<Migration>) -> Result<Vec<Migration>, MigrationError> {
    let order = {
        let refs: Vec<&Migration> = all.iter().collect();
        graph_order(&refs).map_err(|left| cycle(left.iter().map(|&i| refs[i])))?
    };
    let mut slots: Vec<Option<Migration>> = all.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

fn cycle<'a>(left: impl Iterator<Item = &'a Migration>) -> MigrationError {
    let mut files: Vec<String> = left.map(|m| m.file().to_string()).collect();
    files.sort();
    MigrationError::Cycle { files }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, rev: &str, down: &str) -> RawFile {
        RawFile {
            name: name.to_string(),
            bytes: format!(
                "-- revision: {rev}\n-- down_revision: {down}\n-- message: m {rev}\nSELECT 1;\n"
            )
            .into_bytes(),
        }
    }

    fn graph() -> Vec<RawFile> {
        vec![
            file("baseline.sql", "r0", "None"),
            file("versions/r1_a.sql", "r1", "r0"),
            file("versions/r2_b.sql", "r2", "r1"),
            file("versions/r3_c.sql", "r3", "r1"),
            file("versions/r4_merge.sql", "r4", "r2, r3"),
            file("legacy/asterisk-001.sql", "ignored", "None"),
        ]
    }

    fn planned(set: &MigrationSet, current: &[&str]) -> Vec<String> {
        let current: Vec<String> = current.iter().map(|r| r.to_string()).collect();
        let plan = set.plan(&current, &BTreeSet::new()).expect("plan");
        plan.migrations()
            .map(|m| m.revision().to_string())
            .collect()
    }

    #[test]
    fn plans_from_any_point() {
        let set = MigrationSet::from_files(&graph()).expect("valid set");
        assert_eq!(set.head(), "r4");
        assert_eq!(set.baseline().revision(), "r0");
        assert_eq!(planned(&set, &[]), ["r0", "r1", "r2", "r3", "r4"]);
        assert_eq!(planned(&set, &["r1"]), ["r2", "r3", "r4"]);
        assert_eq!(planned(&set, &["r2"]), ["r3", "r4"]);
        assert_eq!(planned(&set, &["r2", "r3"]), ["r4"]);
        assert!(planned(&set, &["r4"]).is_empty());
        // A fresh install runs them in the order the set lists them.
        assert_eq!(
            planned(&set, &[]),
            set.all().iter().map(|m| m.revision()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_unrecorded_non_transactional_migration_behind_alembic_version_is_finished() {
        let mut files = graph();
        files[3] = RawFile {
            name: "versions/r3_c.sql".into(),
            bytes: b"-- revision: r3\n-- down_revision: r1\n-- message: c\n-- transactional: false\nSELECT 1;".to_vec(),
        };
        let set = MigrationSet::from_files(&files).expect("valid set");
        // At head but r3 never recorded (an older xivo-manage-db stopped
        // after its commit): finish r3, redo nothing else.
        assert_eq!(planned(&set, &["r4"]), ["r3"]);
        let recorded: BTreeSet<String> = ["r3".to_string()].into();
        let plan = set.plan(&["r4".into()], &recorded).expect("plan");
        assert!(plan.is_empty(), "{plan}");
    }

    #[test]
    fn heads_of_partial_sets() {
        let set = MigrationSet::from_files(&graph()).expect("valid set");
        assert_eq!(set.heads_of_applied(["r0", "r1", "r2", "r3"]), ["r2", "r3"]);
        assert_eq!(set.heads_of_applied(["r0", "r1", "r2", "r3", "r4"]), ["r4"]);
    }

    #[test]
    fn unknown_revision_in_database_is_a_downgrade() {
        let set = MigrationSet::from_files(&graph()).expect("valid set");
        let e = set
            .plan(&["ffff".into()], &BTreeSet::new())
            .expect_err("refused");
        let msg = e.to_string();
        assert!(msg.contains("ffff") && msg.contains("r4"), "{msg}");
    }

    fn refused(files: Vec<RawFile>, want: &[&str]) {
        let e = MigrationSet::from_files(&files).expect_err("refused");
        let msg = e.to_string();
        for w in want {
            assert!(msg.contains(w), "{msg} lacks {w}");
        }
    }

    #[test]
    fn invalid_sets_are_refused_naming_the_file() {
        let mut dup = graph();
        dup.push(file("versions/r2_again.sql", "r2", "r1"));
        refused(dup, &["r2", "versions/r2_b.sql", "versions/r2_again.sql"]);

        let mut unknown = graph();
        unknown.push(file("versions/r5_x.sql", "r5", "nope"));
        refused(unknown, &["versions/r5_x.sql", "nope"]);

        let mut two_heads = graph();
        two_heads.push(file("versions/r5_x.sql", "r5", "r3"));
        refused(two_heads, &["r4", "r5", "versions/r5_x.sql"]);

        let mut cycle = graph();
        cycle.push(file("versions/r6_x.sql", "r6", "r7"));
        cycle.push(file("versions/r7_y.sql", "r7", "r6"));
        refused(cycle, &["cycle", "versions/r6_x.sql", "versions/r7_y.sql"]);

        let mut misnamed = graph();
        misnamed.push(file("versions/zz_x.sql", "r5", "r4"));
        refused(misnamed, &["versions/zz_x.sql", "r5_"]);

        let mut second_root = graph();
        second_root.push(file("versions/r5_x.sql", "r5", "None"));
        refused(second_root, &["versions/r5_x.sql", "baseline"]);

        refused(
            graph().into_iter().skip(1).collect(),
            &["baseline.sql", "missing"],
        );

        let mut headerless = graph();
        headerless.push(RawFile {
            name: "versions/r9_x.sql".into(),
            bytes: b"SELECT 1;".to_vec(),
        });
        refused(headerless, &["versions/r9_x.sql", "revision"]);
    }
}
