//! The schema of `xivo`, as `pg_dump --schema-only` writes it, cut into
//! entries and split where PostgreSQL's own dump splits it: pre-data (types,
//! functions, tables, sequences, views...) before the rows are copied,
//! post-data (indexes, constraints, foreign keys, triggers, grants) after, so
//! indexes are built once over the copied rows.
//!
//! Using pg_dump for the DDL means every object an administrator added to
//! `xivo` moves too, with the server's own rendering of it.

/// One object of the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// e.g. "TABLE", "INDEX", "FK CONSTRAINT", "ACL".
    pub kind: String,
    /// e.g. "netiface" or "TABLE netiface" (pg_dump's Name field).
    pub name: String,
    pub sql: String,
}

impl Entry {
    /// Creating or commenting on an extension needs a superuser.
    pub fn needs_superuser(&self) -> bool {
        self.kind == "EXTENSION" || self.name.starts_with("EXTENSION ")
    }
}

/// Types pg_dump puts in its post-data section.
const POST_DATA: [&str; 12] = [
    "INDEX",
    "INDEX ATTACH",
    "CONSTRAINT",
    "FK CONSTRAINT",
    "CHECK CONSTRAINT",
    "TRIGGER",
    "EVENT TRIGGER",
    "RULE",
    "POLICY",
    "ROW SECURITY",
    "STATISTICS",
    "MATERIALIZED VIEW DATA",
];

/// The dump, parsed.
#[derive(Debug, Default)]
pub struct Dump {
    /// SET statements before the first object.
    pub preamble: String,
    pub pre_data: Vec<Entry>,
    pub post_data: Vec<Entry>,
}

/// Parse pg_dump's plain output. `from_role` is renamed to `to_role` in
/// grants and default privileges (the role is about to be dropped; its
/// objects now belong to `to_role`).
pub fn parse(text: &str, from_role: &str, to_role: &str) -> Dump {
    let mut dump = Dump::default();
    let mut current: Option<Entry> = None;
    let mut in_post = false;
    let finish = |entry: Option<Entry>, dump: &mut Dump, in_post: &mut bool| {
        if let Some(mut e) = entry {
            e.sql = e.sql.trim().to_string();
            if e.sql.is_empty() {
                return;
            }
            if POST_DATA.contains(&e.kind.as_str()) {
                *in_post = true;
            }
            if *in_post {
                dump.post_data.push(e);
            } else {
                dump.pre_data.push(e);
            }
        }
    };
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("-- Name: ") {
            finish(current.take(), &mut dump, &mut in_post);
            let name = header
                .split("; Type: ")
                .next()
                .unwrap_or_default()
                .to_string();
            let kind = header
                .split("; Type: ")
                .nth(1)
                .and_then(|r| r.split("; Schema: ").next())
                .unwrap_or_default()
                .to_string();
            current = Some(Entry {
                kind,
                name,
                sql: String::new(),
            });
            continue;
        }
        // Comments, and psql's \restrict / \unrestrict (pg_dump 15.14+):
        // we run the SQL ourselves, not through psql.
        if line.starts_with("--") || line.starts_with('\\') {
            continue;
        }
        let line = if is_privilege_statement(line) {
            rename_role(line, from_role, to_role)
        } else {
            line.to_string()
        };
        match current.as_mut() {
            Some(e) => {
                e.sql.push_str(&line);
                e.sql.push('\n');
            }
            None => {
                if !line.trim().is_empty() {
                    dump.preamble.push_str(&line);
                    dump.preamble.push('\n');
                }
            }
        }
    }
    finish(current.take(), &mut dump, &mut in_post);
    dump
}

fn is_privilege_statement(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("GRANT ")
        || l.starts_with("REVOKE ")
        || l.starts_with("ALTER DEFAULT PRIVILEGES ")
}

/// Replace the role name where it stands as a whole token (grantee lists,
/// FOR ROLE), never inside a qualified object name.
fn rename_role(line: &str, from: &str, to: &str) -> String {
    let quoted_from = format!("\"{from}\"");
    let mut out = String::with_capacity(line.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token == from || *token == quoted_from {
            out.push_str(to);
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in line.chars() {
        if c.is_whitespace() || c == ',' || c == ';' {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbC123\n\nSET statement_timeout = 0;\n\
SELECT pg_catalog.set_config('search_path', '', false);\n\n\
--\n-- Name: netiface_type; Type: TYPE; Schema: public; Owner: -\n--\n\nCREATE TYPE public.netiface_type AS ENUM (\n    'iface'\n);\n\n\
--\n-- Name: netiface; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE public.netiface (\n    id integer NOT NULL\n);\n\n\
--\n-- Name: TABLE netiface; Type: COMMENT; Schema: public; Owner: -\n--\n\nCOMMENT ON TABLE public.netiface IS 'x';\n\n\
--\n-- Name: netiface netiface_pkey; Type: CONSTRAINT; Schema: public; Owner: -\n--\n\nALTER TABLE ONLY public.netiface\n    ADD CONSTRAINT netiface_pkey PRIMARY KEY (id);\n\n\
--\n-- Name: INDEX netiface_pkey; Type: COMMENT; Schema: public; Owner: -\n--\n\nCOMMENT ON INDEX public.netiface_pkey IS 'y';\n\n\
--\n-- Name: TABLE netiface; Type: ACL; Schema: public; Owner: -\n--\n\nREVOKE ALL ON TABLE public.netiface FROM xivo;\nGRANT SELECT ON TABLE public.netiface TO reader, xivo;\n\n\
--\n-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -\n--\n\n\
ALTER DEFAULT PRIVILEGES FOR ROLE xivo IN SCHEMA public GRANT SELECT ON TABLES TO \"xivo\";\n\n\\unrestrict AbC123\n";

    #[test]
    fn splits_like_pg_dump_sections() {
        let d = parse(DUMP, "xivo", "asterisk");
        assert!(d.preamble.contains("SET statement_timeout") && !d.preamble.contains("restrict"));
        let kinds: Vec<&str> = d.pre_data.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["TYPE", "TABLE", "COMMENT"]);
        let kinds: Vec<&str> = d.post_data.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["CONSTRAINT", "COMMENT", "ACL", "DEFAULT ACL"]);
        assert!(d.pre_data[1]
            .sql
            .starts_with("CREATE TABLE public.netiface ("));
    }

    #[test]
    fn renames_the_dropped_role_in_grants_only() {
        let d = parse(DUMP, "xivo", "asterisk");
        let acl = &d.post_data[2].sql;
        assert!(
            acl.contains("FROM asterisk;") && acl.contains("TO reader, asterisk;"),
            "{acl}"
        );
        let def = &d.post_data[3].sql;
        assert!(
            def.contains("FOR ROLE asterisk IN SCHEMA public") && def.ends_with("TO asterisk;"),
            "{def}"
        );
        assert_eq!(
            rename_role("GRANT ALL ON TABLE public.xivo TO xivo;", "xivo", "a"),
            "GRANT ALL ON TABLE public.xivo TO a;"
        );
    }
}
