//! The schema of `xivo`, as `pg_dump --schema-only --section=...` writes it
//! (one dump for pre-data: types, functions, tables, sequences, views...;
//! one for post-data: indexes, constraints, triggers), cut into pg_dump's own
//! entries so that an error can name the object and an extension can be
//! created by the superuser.
//!
//! The text is never edited: no line is dropped, renamed or re-quoted, so a
//! function body or a string literal that happens to hold a line starting
//! with `--`, `\` or `GRANT` moves exactly as it is. Entries are byte ranges
//! of the dump; running them in order runs the dump. The one exception is
//! the pair of psql meta-commands pg_dump 15.14 and later put around the
//! whole dump (`\restrict KEY` after the header comment, `\unrestrict KEY`
//! as the last line): psql-only, they are cut at exactly those two places.
//! Owners and privileges are not in the dump (`--no-owner`, `--no-acl`):
//! the merge gives the objects to the owner role and re-grants from the
//! catalog (`acl.rs`).

use std::ops::Range;

/// One entry of the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// pg_dump's Type field, e.g. "TABLE", "INDEX", "FK CONSTRAINT".
    pub kind: String,
    /// pg_dump's Name field, e.g. "netiface" or "TABLE netiface".
    pub name: String,
    /// Where the entry is in [`Dump::text`], its header comment included.
    pub range: Range<usize>,
}

impl Entry {
    /// Creating or commenting on an extension needs a superuser.
    pub fn needs_superuser(&self) -> bool {
        self.kind == "EXTENSION" || self.name.starts_with("EXTENSION ")
    }
}

/// One section of the dump.
#[derive(Debug, Default)]
pub struct Dump {
    /// The SQL, exactly as pg_dump wrote it but for the `\restrict` pair.
    pub text: String,
    /// The entries in order; the text before the first one is the preamble
    /// (the SET statements).
    pub entries: Vec<Entry>,
}

impl Dump {
    /// The SET statements before the first entry (all of it when empty).
    pub fn preamble(&self) -> &str {
        let end = self
            .entries
            .first()
            .map_or(self.text.len(), |e| e.range.start);
        &self.text[..end]
    }

    /// The SQL of the entries `first..=last`, one contiguous piece of the dump.
    pub fn sql(&self, entries: &[Entry]) -> &str {
        match (entries.first(), entries.last()) {
            (Some(a), Some(b)) => &self.text[a.range.start..b.range.end],
            _ => "",
        }
    }
}

/// Parse pg_dump's plain output. Fails when the `\restrict` line has no
/// matching `\unrestrict` at the end (a truncated dump).
pub fn parse(raw: &str) -> Result<Dump, String> {
    let text = strip_restrict(raw)?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut offset = 0usize;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::with_capacity(lines.len());
    for l in &lines {
        starts.push(offset);
        offset += l.len();
    }
    for i in 0..lines.len() {
        // pg_dump's header of every entry: "--", "-- Name: ...; Type: ...;
        // Schema: ...; Owner: ...", "--".
        if i + 2 >= lines.len() || lines[i].trim_end() != "--" || lines[i + 2].trim_end() != "--" {
            continue;
        }
        let Some(header) = lines[i + 1].trim_end().strip_prefix("-- Name: ") else {
            continue;
        };
        let Some((name, rest)) = header.split_once("; Type: ") else {
            continue;
        };
        let Some((kind, _)) = rest.split_once("; Schema: ") else {
            continue;
        };
        if let Some(prev) = entries.last_mut() {
            prev.range.end = starts[i];
        }
        entries.push(Entry {
            kind: kind.to_string(),
            name: name.to_string(),
            range: starts[i]..text.len(),
        });
    }
    Ok(Dump { text, entries })
}

/// Cut the `\restrict KEY` line that pg_dump 15.14+ writes after its header
/// comment and the `\unrestrict KEY` line it ends with; nothing else.
fn strip_restrict(raw: &str) -> Result<String, String> {
    let mut offset = 0usize;
    for line in raw.split_inclusive('\n') {
        let l = line.trim_end();
        if l.is_empty() || l.starts_with("--") {
            offset += line.len();
            continue;
        }
        let Some(key) = l.strip_prefix("\\restrict ") else {
            // The first statement is SQL: a dump without the pair.
            return Ok(raw.to_string());
        };
        let closing = format!("\\unrestrict {key}");
        let body = &raw[offset + line.len()..];
        let trimmed = body.trim_end();
        let Some(before) = trimmed.strip_suffix(closing.as_str()) else {
            return Err(
                "pg_dump's output does not end with its \\unrestrict line: it is truncated".into(),
            );
        };
        if !(before.is_empty() || before.ends_with('\n')) {
            return Err(
                "pg_dump's output does not end with its \\unrestrict line: it is truncated".into(),
            );
        }
        return Ok(format!("{}{before}", &raw[..offset]));
    }
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "CREATE FUNCTION public.f() RETURNS text LANGUAGE plpgsql AS $$\nBEGIN\n-- kept\n\\N\nGRANT ALL ON x TO xivo;\n--\n-- Name: fake; Type: EXTENSION; Schema: -; Owner: -\n--\nRETURN 'a\n--\n\\unrestrict AbC123\nb';\nEND\n$$;\n";

    fn dump() -> String {
        format!(
            "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbC123\n\n-- Dumped by pg_dump\n\nSET statement_timeout = 0;\n\
SELECT pg_catalog.set_config('search_path', '', false);\n\n\
--\n-- Name: netiface_type; Type: TYPE; Schema: public; Owner: -\n--\n\nCREATE TYPE public.netiface_type AS ENUM (\n    'iface'\n);\n\n\
--\n-- Name: f(); Type: FUNCTION; Schema: public; Owner: -\n--\n\n{BODY}\n\
--\n-- Name: netiface; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE public.netiface (\n    id integer NOT NULL\n);\n\n\
--\n-- Name: TABLE netiface; Type: COMMENT; Schema: public; Owner: -\n--\n\nCOMMENT ON TABLE public.netiface IS 'x\n-- y\nGRANT z';\n\n\
--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbC123\n\n"
        )
    }

    #[test]
    fn cuts_only_the_restrict_pair() {
        let raw = dump();
        let d = parse(&raw).expect("parses");
        let expected =
            raw.replacen("\\restrict AbC123\n", "", 1)
                .replacen("\\unrestrict AbC123\n\n", "", 1);
        assert_eq!(d.text, expected);
        assert!(d.text.contains(BODY), "the function body is untouched");
        assert!(
            d.text.contains("IS 'x\n-- y\nGRANT z';"),
            "literal untouched"
        );
        assert!(!d.text.contains("\\restrict") && d.text.contains("\\unrestrict AbC123\nb'"));
    }

    #[test]
    fn entries_cover_the_dump_exactly() {
        let d = parse(&dump()).expect("parses");
        let kinds: Vec<&str> = d.entries.iter().map(|e| e.kind.as_str()).collect();
        // The header inside the function body is seen as an entry too: the
        // text is the same, only the cut differs.
        assert_eq!(kinds, ["TYPE", "FUNCTION", "EXTENSION", "TABLE", "COMMENT"]);
        assert!(d.preamble().contains("SET statement_timeout") && !d.preamble().contains("CREATE"));
        let mut joined = d.preamble().to_string();
        joined.push_str(d.sql(&d.entries));
        assert_eq!(joined, d.text);
        assert_eq!(d.sql(&d.entries[3..4]).matches("CREATE TABLE").count(), 1);
        assert_eq!(d.entries[4].name, "TABLE netiface");
    }

    #[test]
    fn a_dump_without_the_pair_is_kept_whole() {
        let raw = dump().replacen("\\restrict AbC123\n", "", 1).replacen(
            "\\unrestrict AbC123\n\n",
            "",
            1,
        );
        assert_eq!(parse(&raw).expect("parses").text, raw);
    }

    #[test]
    fn a_truncated_dump_is_refused() {
        let raw = dump();
        let cut = &raw[..raw
            .find("-- PostgreSQL database dump complete")
            .expect("trailer")];
        assert!(parse(cut).expect_err("truncated").contains("truncated"));
    }
}
