//! Privileges on the objects that move from `xivo`. pg_dump runs with
//! `--no-acl`: its GRANTs name role `xivo` (about to be dropped) and the old
//! owner (`postgres` on a real 14.07 host), and renaming a role inside its
//! text could touch a function body. Instead the grants are read from the
//! catalog of `xivo`, in the merge's snapshot, and written again with every
//! name quoted: grants to `xivo` or to the object's old owner become the new
//! owner's (who has every privilege on what it owns, so they are simply
//! left out), grants to other roles and to PUBLIC stay, column grants and
//! default privileges included.
//!
//! The statements run as the superuser after the objects exist. Never reads
//! or writes anything but privileges.

use std::collections::BTreeSet;

use tokio_postgres::Client;

use crate::config::LEGACY_DB_NAME;
use crate::pg::{self, quote_ident, PgError};

/// Objects with explicit privileges: GRANT keyword, identity, the relation's
/// quote_ident spelling (to skip merged tables), old owner, then one row
/// per grant (grantee NULL for PUBLIC).
const OBJECT_GRANTS: &str = "\
WITH objs AS ( \
  SELECT 'pg_class'::regclass AS classid, c.oid AS objid, c.relowner AS owner, c.relacl AS acl, \
         CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS keyword, \
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS rel \
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL \
  UNION ALL SELECT 'pg_proc'::regclass, oid, proowner, proacl, 'ROUTINE', '' FROM pg_proc WHERE proacl IS NOT NULL \
  UNION ALL SELECT 'pg_type'::regclass, oid, typowner, typacl, 'TYPE', '' FROM pg_type WHERE typacl IS NOT NULL \
  UNION ALL SELECT 'pg_namespace'::regclass, oid, nspowner, nspacl, 'SCHEMA', '' FROM pg_namespace \
   WHERE nspacl IS NOT NULL AND nspname <> 'public' \
), described AS ( \
  SELECT o.*, pg_identify_object(o.classid, o.objid, 0) AS id FROM objs o \
   WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'e') \
) \
SELECT keyword, (id).identity, rel, pg_get_userbyid(owner)::text, \
       CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee)::text END, \
       a.privilege_type, a.is_grantable \
  FROM described, aclexplode(acl) a \
 WHERE coalesce((id).schema, '') NOT IN ('pg_catalog', 'information_schema') \
   AND coalesce((id).schema, '') NOT LIKE 'pg\\_toast%' \
   AND NOT ((id).type = 'schema' AND ((id).identity IN ('pg_catalog', 'information_schema') OR (id).identity LIKE 'pg\\_%')) \
 ORDER BY 1, 2, 5 NULLS FIRST, 6";

/// Column privileges: relation, column, old owner, grantee, privilege, grantable.
const COLUMN_GRANTS: &str = "\
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname::text, pg_get_userbyid(c.relowner)::text, \
       CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace, \
       aclexplode(a.attacl) x \
 WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped \
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' \
 ORDER BY 1, 2, 4 NULLS FIRST, 5";

/// Default privileges: role, schema (NULL: every schema), object type,
/// grantee, privilege, grantable.
const DEFAULT_GRANTS: &str = "\
SELECT pg_get_userbyid(d.defaclrole)::text, n.nspname::text, d.defaclobjtype::text, \
       CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable \
  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) x \
 ORDER BY 1, 2 NULLS FIRST, 3, 4 NULLS FIRST, 5";

/// Who a grantee of `xivo` is in the merged database: `None` for the owner
/// role (it needs no grant), else the SQL spelling.
fn grantee(name: Option<&str>, old_owner: &str, owner: &str) -> Option<String> {
    match name {
        None => Some("PUBLIC".into()),
        Some(n)
            if n == LEGACY_DB_NAME || n == old_owner || n == owner || n == "pg_database_owner" =>
        {
            None
        }
        Some(n) => Some(quote_ident(n)),
    }
}

fn grant_option(grantable: bool) -> &'static str {
    if grantable {
        " WITH GRANT OPTION"
    } else {
        ""
    }
}

/// The statements that give the moved objects the privileges they had in
/// `xivo`. `skip`: relations merged row-wise (asterisk's own stay as they are).
pub async fn statements(
    source: &Client,
    owner: &str,
    skip: &BTreeSet<String>,
) -> Result<Vec<String>, PgError> {
    let mut out = Vec::new();
    object_grants(source, owner, skip, &mut out).await?;
    column_grants(source, owner, skip, &mut out).await?;
    default_grants(source, owner, &mut out).await?;
    Ok(out)
}

/// Grants on tables, sequences, routines, types and schemas.
async fn object_grants(
    source: &Client,
    owner: &str,
    skip: &BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<(), PgError> {
    let rows = source.query(OBJECT_GRANTS, &[]).await.map_err(|e| {
        pg::query_error(format!("reading the privileges of '{LEGACY_DB_NAME}'"), &e)
    })?;
    let mut revoked = BTreeSet::new();
    for r in &rows {
        let (keyword, identity, rel, old_owner): (String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        if skip.contains(&rel) {
            continue;
        }
        // Routines and types come with EXECUTE / USAGE for PUBLIC: an
        // explicit list may have taken it away.
        if (keyword == "ROUTINE" || keyword == "TYPE") && revoked.insert(identity.clone()) {
            out.push(format!("REVOKE ALL ON {keyword} {identity} FROM PUBLIC"));
        }
        let Some(to) = grantee(r.get(4), &old_owner, owner) else {
            continue;
        };
        let privilege: String = r.get(5);
        out.push(format!(
            "GRANT {privilege} ON {keyword} {identity} TO {to}{}",
            grant_option(r.get(6))
        ));
    }
    Ok(())
}

/// Grants on single columns.
async fn column_grants(
    source: &Client,
    owner: &str,
    skip: &BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<(), PgError> {
    let rows = source.query(COLUMN_GRANTS, &[]).await.map_err(|e| {
        pg::query_error(
            format!("reading the column privileges of '{LEGACY_DB_NAME}'"),
            &e,
        )
    })?;
    for r in &rows {
        let (rel, column, old_owner): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        if skip.contains(&rel) {
            continue;
        }
        let Some(to) = grantee(r.get(3), &old_owner, owner) else {
            continue;
        };
        let privilege: String = r.get(4);
        out.push(format!(
            "GRANT {privilege} ({}) ON TABLE {rel} TO {to}{}",
            quote_ident(&column),
            grant_option(r.get(5))
        ));
    }
    Ok(())
}

/// `ALTER DEFAULT PRIVILEGES`, for what is created after the merge.
async fn default_grants(
    source: &Client,
    owner: &str,
    out: &mut Vec<String>,
) -> Result<(), PgError> {
    let rows = source.query(DEFAULT_GRANTS, &[]).await.map_err(|e| {
        pg::query_error(
            format!("reading the default privileges of '{LEGACY_DB_NAME}'"),
            &e,
        )
    })?;
    let mut reset = BTreeSet::new();
    for r in &rows {
        let (role, schema, objtype): (String, Option<String>, String) =
            (r.get(0), r.get(1), r.get(2));
        let objects = match objtype.as_str() {
            "r" => "TABLES",
            "S" => "SEQUENCES",
            "f" => "FUNCTIONS",
            "T" => "TYPES",
            "n" => "SCHEMAS",
            _ => continue,
        };
        // Objects role xivo would have created are the owner's now.
        let role_sql = if role == LEGACY_DB_NAME || role == owner {
            quote_ident(owner)
        } else {
            quote_ident(&role)
        };
        let scope = match &schema {
            Some(s) => format!(" IN SCHEMA {}", quote_ident(s)),
            None => String::new(),
        };
        let head = format!("ALTER DEFAULT PRIVILEGES FOR ROLE {role_sql}{scope}");
        if schema.is_none()
            && matches!(objects, "FUNCTIONS" | "TYPES")
            && reset.insert(head.clone() + objects)
        {
            out.push(format!("{head} REVOKE ALL ON {objects} FROM PUBLIC"));
        }
        let to = match r.get::<_, Option<String>>(3) {
            None => "PUBLIC".to_string(),
            Some(g) if g == role || g == LEGACY_DB_NAME || g == *owner => continue,
            Some(g) => quote_ident(&g),
        };
        let privilege: String = r.get(4);
        out.push(format!(
            "{head} GRANT {privilege} ON {objects} TO {to}{}",
            grant_option(r.get(5))
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grantee;

    #[test]
    fn grantees_of_xivo_and_the_old_owner_are_the_new_owner() {
        assert_eq!(
            grantee(None, "postgres", "Pbx-Owner"),
            Some("PUBLIC".into())
        );
        assert_eq!(grantee(Some("xivo"), "postgres", "Pbx-Owner"), None);
        assert_eq!(grantee(Some("postgres"), "postgres", "Pbx-Owner"), None);
        assert_eq!(grantee(Some("Pbx-Owner"), "xivo", "Pbx-Owner"), None);
        assert_eq!(
            grantee(Some("Read\"Only"), "postgres", "asterisk"),
            Some("\"Read\"\"Only\"".into())
        );
    }
}
