#!/usr/bin/python3
"""A small syslog listener for the testbed: binds /dev/log (a unix datagram
socket, what syslog(3) and the syslog crate write to) and appends every
message to a file, one line each, prefixed with the receive time:

    <epoch seconds> <facility>.<severity> <message as sent, after the PRI>

Usage: syslogd.py SOCKET LOGFILE   (runs until killed; writes SOCKET.ready
once it listens)."""
import os
import socket
import sys
import time

FACILITIES = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
              "uucp", "cron", "authpriv", "ftp"] + ["f%d" % i for i in range(12, 16)] + \
             ["local%d" % i for i in range(8)]
SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]


def main():
    path, logfile = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    with open(path + ".ready", "w") as f:
        f.write(str(os.getpid()))
    with open(logfile, "a", buffering=1) as out:
        while True:
            data = sock.recv(65536)
            text = data.decode("utf-8", "replace").rstrip("\n\0")
            prio = "?"
            if text.startswith("<") and ">" in text[:5]:
                end = text.index(">")
                try:
                    pri = int(text[1:end])
                    prio = "%s.%s" % (FACILITIES[pri >> 3], SEVERITIES[pri & 7])
                    text = text[end + 1:]
                except (ValueError, IndexError):
                    pass
            for line in text.splitlines() or [""]:
                out.write("%.3f %s %s\n" % (time.time(), prio, line))


if __name__ == "__main__":
    main()
