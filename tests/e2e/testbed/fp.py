#!/usr/bin/python3
"""Fingerprints of a PostgreSQL cluster for the e2e scenarios. Runs as the
postgres OS user (peer authentication on the local socket).

  fp.py snapshot OUT.json [--ignore TABLE.COLUMN,...]
      every non-template database except postgres: per table its owner,
      columns, row count and the md5 of its rows (each rendered as
      ROW(columns)::text, sorted), the md5 of each row for tables of at most
      50000 rows, every sequence's state, the owner of every object, and the
      md5 of the normalised `pg_dump --schema-only`, the database's own
      settings (owner, comment, connection limit, grants, ALTER DATABASE ...
      SET); plus the roles (every attribute, connection limit, expiry,
      memberships, settings, a hash of the password) and the databases.
  fp.py exact BEFORE.json AFTER.json
      identical: same databases and their settings, roles, schemas, tables,
      rows, sequences.
  fp.py kept BEFORE.json DB [--superset TABLE,...] [--subset TABLE,...]
                            [--dropped TABLE,...] [--ignore TABLE.COLUMN,...]
      every table of BEFORE (whatever its database) is in DB with the same
      rows over BEFORE's columns (new columns are not compared); tables in
      --superset may have gained rows but lost none, tables in --subset lost
      rows but gained none; tables in --dropped (which the upgrade drops) are
      gone, with their sequences; sequences did not go backwards; DB's own
      settings (comment, connection limit, whether it takes connections,
      grants, ALTER DATABASE / ALTER ROLE ... IN DATABASE settings; the owner
      aside, which `owners` checks) are BEFORE's; every role of BEFORE is
      there as it was (attributes, password, memberships, settings), but the
      role of a database merged into DB, which may be gone.
  fp.py owners DB ROLE
      every table, sequence, view, function and type of DB's public schema
      is owned by ROLE.
Exit 0 when the check holds, 1 with one line per difference otherwise."""
import hashlib
import json
import subprocess
import sys

import psycopg2

SMALL = 50000


def connect(db):
    c = psycopg2.connect(host="/var/run/postgresql", dbname=db, user="postgres")
    c.autocommit = True
    return c


def q(conn, sql, args=()):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def databases(conn):
    return [r[0] for r in q(conn, "SELECT datname FROM pg_database WHERE NOT datistemplate "
                                  "AND datname <> 'postgres' ORDER BY 1")]


def roles(conn):
    """Every attribute, the connection limit, the expiry, the memberships and
    the ALTER ROLE ... SET settings of each role."""
    return {r[0]: {"attrs": r[1], "password_md5": hashlib.md5((r[2] or "").encode()).hexdigest(),
                   "member_of": r[3], "settings": r[4]}
            for r in q(conn, """
        SELECT a.rolname,
               concat_ws(',', a.rolsuper, a.rolinherit, a.rolcreatedb, a.rolcreaterole, a.rolcanlogin,
                         a.rolreplication, a.rolbypassrls, 'connlimit=' || a.rolconnlimit,
                         'validuntil=' || coalesce(a.rolvaliduntil::text, '-')),
               a.rolpassword,
               coalesce((SELECT string_agg(g.rolname || ':' || m.admin_option, ',' ORDER BY g.rolname)
                           FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                          WHERE m.member = a.oid), ''),
               coalesce((SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s
                          WHERE s.setrole = a.oid AND s.setdatabase = 0), '')
          FROM pg_authid a WHERE a.rolname !~ '^pg_' ORDER BY 1""")}


def database_settings(conn, db):
    """What pg_dump --schema-only leaves out: the database's owner, comment,
    connection limit, grants and ALTER DATABASE / ALTER ROLE ... IN DATABASE
    settings."""
    r = q(conn, """
        SELECT pg_get_userbyid(d.datdba), coalesce(shobj_description(d.oid, 'pg_database'), ''),
               d.datconnlimit, d.datallowconn, coalesce(d.datacl::text, ''),
               coalesce((SELECT string_agg(coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ','),
                                           ';' ORDER BY r.rolname NULLS FIRST)
                           FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole
                          WHERE s.setdatabase = d.oid), '')
          FROM pg_database d WHERE d.datname = %s""", (db,))[0]
    return dict(zip(["owner", "comment", "connlimit", "allowconn", "acl", "settings"], r))


def schema_md5(db):
    dump = subprocess.run(["pg_dump", "--schema-only", "-h", "/var/run/postgresql", db],
                          check=True, capture_output=True, text=True).stdout
    lines = [l for l in dump.splitlines()
             if l.strip() and not l.startswith("--") and not l.startswith("\\restrict")
             and not l.startswith("\\unrestrict") and not l.startswith("SET ")
             and not l.startswith("SELECT pg_catalog.set_config")]
    return hashlib.md5("\n".join(lines).encode()).hexdigest()


def columns(conn, table):
    return [r[0] for r in q(conn, "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                                  "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (ident(table),))]


def row_sums(conn, table, cols, small):
    expr = "ROW(" + ", ".join(ident(c) for c in cols) + ")::text"
    count, digest = q(conn, "SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '-') "
                            "FROM (SELECT %s AS r FROM %s) x" % (expr, ident(table)))[0]
    rows = None
    if small and count <= SMALL:
        rows = [r[0] for r in q(conn, "SELECT md5(%s) FROM %s ORDER BY 1" % (expr, ident(table)))]
    return count, digest, rows


def tables(conn):
    return [r[0] for r in q(conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def sequences(conn):
    out = {}
    for (name,) in q(conn, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"):
        last, called = q(conn, "SELECT last_value, is_called FROM %s" % ident(name))[0]
        out[name] = [last, called]
    return out


def owners(conn):
    return {r[0]: r[1] for r in q(conn, """
        SELECT c.relkind::text || ':' || c.relname, pg_get_userbyid(c.relowner) FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'm', 'p')
        UNION ALL
        SELECT 'f:' || p.oid::regprocedure::text, pg_get_userbyid(p.proowner) FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
        UNION ALL
        SELECT 't:' || t.typname, pg_get_userbyid(t.typowner) FROM pg_type t
          JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c')
           AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
        ORDER BY 1""")}


def split_list(args, flag):
    out = []
    while flag in args:
        i = args.index(flag)
        out += [x for x in args[i + 1].split(",") if x]
        del args[i:i + 2]
    return out


def snapshot(out, ignore):
    conn = connect("postgres")
    snap = {"databases": databases(conn), "roles": roles(conn), "db": {}}
    for db in snap["databases"]:
        c = connect(db)
        d = {"schema_md5": schema_md5(db), "database": database_settings(conn, db),
             "sequences": sequences(c), "owners": owners(c), "tables": {}}
        for t in tables(c):
            cols = [col for col in columns(c, t) if "%s.%s" % (t, col) not in ignore]
            count, digest, rows = row_sums(c, t, cols, True)
            d["tables"][t] = {"columns": cols, "count": count, "md5": digest, "rows": rows}
        snap["db"][db] = d
        c.close()
    with open(out, "w") as f:
        json.dump(snap, f, indent=1, sort_keys=True)
    total = sum(t["count"] for d in snap["db"].values() for t in d["tables"].values())
    print("snapshot: %d database(s), %d table(s), %d row(s)" % (
        len(snap["db"]), sum(len(d["tables"]) for d in snap["db"].values()), total))


def exact(a_path, b_path):
    a, b = (json.load(open(p)) for p in (a_path, b_path))
    diffs = []
    if a["databases"] != b["databases"]:
        diffs.append("databases: %s -> %s" % (a["databases"], b["databases"]))
    if a["roles"] != b["roles"]:
        diffs.append("roles: %s -> %s" % (a["roles"], b["roles"]))
    for db in sorted(set(a["db"]) & set(b["db"])):
        da, dbb = a["db"][db], b["db"][db]
        if da["schema_md5"] != dbb["schema_md5"]:
            diffs.append("%s: schema (pg_dump --schema-only) differs" % db)
        if da["database"] != dbb["database"]:
            diffs.append("%s: database settings %s -> %s" % (db, da["database"], dbb["database"]))
        if da["sequences"] != dbb["sequences"]:
            diffs.append("%s: sequences differ: %s" % (db, {k: (da["sequences"].get(k), dbb["sequences"].get(k))
                                                             for k in set(da["sequences"]) | set(dbb["sequences"])
                                                             if da["sequences"].get(k) != dbb["sequences"].get(k)}))
        if da["owners"] != dbb["owners"]:
            diffs.append("%s: owners differ" % db)
        for t in sorted(set(da["tables"]) | set(dbb["tables"])):
            ta, tb = da["tables"].get(t), dbb["tables"].get(t)
            if ta is None or tb is None:
                diffs.append("%s.%s: only %s" % (db, t, "after" if ta is None else "before"))
            elif (ta["count"], ta["md5"], ta["columns"]) != (tb["count"], tb["md5"], tb["columns"]):
                diffs.append("%s.%s: %d rows md5 %s -> %d rows md5 %s" % (db, t, ta["count"], ta["md5"][:8],
                                                                           tb["count"], tb["md5"][:8]))
    report(diffs, "identical: %d database(s), %d table(s), %d row(s), roles %s" % (
        len(a["db"]), sum(len(d["tables"]) for d in a["db"].values()),
        sum(t["count"] for d in a["db"].values() for t in d["tables"].values()), ",".join(sorted(a["roles"]))))


def kept(before_path, db, superset, subset, dropped, ignore):
    before = json.load(open(before_path))
    c = connect(db)
    have = set(tables(c))
    seqs = sequences(c)
    diffs = []
    checked = rows_total = 0
    for src_db, d in sorted(before["db"].items()):
        for t, tb in sorted(d["tables"].items()):
            if t in dropped:
                if t in have:
                    diffs.append("%s.%s: still in %s, though the upgrade drops it" % (src_db, t, db))
                continue
            if t not in have:
                diffs.append("%s.%s: missing from %s" % (src_db, t, db))
                continue
            cols_now = set(columns(c, t))
            lost = [col for col in tb["columns"] if col not in cols_now]
            if lost:
                diffs.append("%s.%s: columns %s gone" % (src_db, t, lost))
                continue
            cols = [col for col in tb["columns"] if "%s.%s" % (t, col) not in ignore]
            count, digest, rows = row_sums(c, t, cols, t in superset or t in subset)
            checked += 1
            rows_total += tb["count"]
            if t in superset:
                if tb["rows"] is None or rows is None:
                    diffs.append("%s.%s: too big for a superset check" % (src_db, t))
                    continue
                missing = set(tb["rows"]) - set(rows)
                if missing or count < tb["count"]:
                    diffs.append("%s.%s: %d row(s) lost (%d -> %d)" % (src_db, t, len(missing), tb["count"], count))
            elif t in subset:
                if tb["rows"] is None or rows is None:
                    diffs.append("%s.%s: too big for a subset check" % (src_db, t))
                    continue
                new = set(rows) - set(tb["rows"])
                if new or count > tb["count"]:
                    diffs.append("%s.%s: %d row(s) gained (%d -> %d)" % (src_db, t, len(new), tb["count"], count))
            elif (count, digest) != (tb["count"], tb["md5"]):
                diffs.append("%s.%s: %d rows md5 %s -> %d rows md5 %s" % (src_db, t, tb["count"], tb["md5"][:8],
                                                                          count, digest[:8]))
        for s, (last, called) in sorted(d["sequences"].items()):
            now = seqs.get(s)
            if any(s.startswith(t + "_") for t in dropped):
                if now is not None:
                    diffs.append("%s: sequence %s still in %s, though the upgrade drops its table" % (src_db, s, db))
                continue
            if now is None:
                diffs.append("%s: sequence %s missing from %s" % (src_db, s, db))
            elif called and (now[0] < last or not now[1]):
                diffs.append("%s: sequence %s went back from %s to %s" % (src_db, s, last, now))
    diffs += kept_settings(before, db)
    report(diffs, "kept: %d table(s), %d row(s) of %s all in %s, its settings and %d role(s)" % (
        checked, rows_total, ",".join(sorted(before["db"])), db, len(before["roles"])))


def kept_settings(before, db):
    """What `kept` says of DB's own settings and of the roles."""
    conn = connect("postgres")
    diffs = []
    if db in before["db"]:
        was, now = before["db"][db]["database"], database_settings(conn, db)
        diffs += ["%s: database %s %r -> %r" % (db, k, was[k], now[k])
                  for k in sorted(was) if k != "owner" and was[k] != now[k]]
    have = roles(conn)
    for r, was in sorted(before["roles"].items()):
        if r not in have:
            if r not in before["databases"] or r == db:
                diffs.append("role %s: gone" % r)
        elif have[r] != was:
            diffs.append("role %s: %s" % (r, ", ".join("%s %r -> %r" % (k, was[k], have[r].get(k))
                                                        for k in sorted(was) if was[k] != have[r].get(k))))
    return diffs


def check_owners(db, role):
    bad = ["%s owned by %s" % (k, v) for k, v in owners(connect(db)).items() if v != role]
    report(bad, "owners: every object of %s's public schema is owned by %s" % (db, role))


def report(diffs, ok_line):
    if diffs:
        for d in diffs:
            print("DIFF " + d)
        sys.exit(1)
    print(ok_line)


def main():
    args = sys.argv[1:]
    superset = split_list(args, "--superset")
    subset = split_list(args, "--subset")
    dropped = split_list(args, "--dropped")
    ignore = split_list(args, "--ignore")
    cmd = args.pop(0) if args else ""
    if cmd == "snapshot" and len(args) == 1:
        snapshot(args[0], ignore)
    elif cmd == "exact" and len(args) == 2:
        exact(*args)
    elif cmd == "kept" and len(args) == 2:
        kept(args[0], args[1], superset, subset, dropped, ignore)
    elif cmd == "owners" and len(args) == 2:
        check_owners(*args)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
