#!/usr/bin/python3
"""A fake XiVO daemon for the e2e scenarios: a real process, started and
stopped by its /etc/init.d script, that (in mode 'db') keeps a connection to
the XiVO database open while it runs, as xivo-confd or xivo-agid do, and
runs a query every half second. It reconnects when the connection is lost
(as the real daemons do), and records what happens to it in the shared
events file:

    <epoch> <name> <event> [details]

Usage: daemon.py NAME MODE [DB...]   MODE: db (hold a connection to the first
of DB... that exists, default asterisk) or idle (no database)."""
import os
import signal
import sys
import time

EVENTS = "/var/log/xivo-fake/events.log"
name, mode = sys.argv[1], sys.argv[2]
dbs = sys.argv[3:] or ["asterisk"]


def event(what, details=""):
    with open(EVENTS, "a") as f:
        f.write("%.3f %s %s %s\n" % (time.time(), name, what, details))


def stop(signum, frame):
    event("daemon-stopped", "signal %d" % signum)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
event("daemon-started", "pid %d" % os.getpid())

if mode == "idle":
    while True:
        time.sleep(3600)

import psycopg2  # noqa: E402  (only the db mode needs it)

conn = None
last_error = None
while True:
    if conn is None:
        for db in dbs:
            try:
                conn = psycopg2.connect(host="/var/run/postgresql", dbname=db, user="asterisk" if db != "xivo" else "xivo",
                                        password="proformatique", application_name=name, connect_timeout=3)
                conn.autocommit = True
                event("db-connected", db)
                last_error = None
                break
            except psycopg2.Error as e:
                msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                if msg != last_error:
                    event("db-unavailable", "%s: %s" % (db, msg))
                    last_error = msg
    if conn is not None:
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        except psycopg2.Error as e:
            event("db-lost", (str(e).strip().splitlines() or [type(e).__name__])[0])
            try:
                conn.close()
            except psycopg2.Error:
                pass
            conn = None
    time.sleep(0.5)
