#!/usr/bin/env python3
"""What the events and deliveries indexes cost SQLite's single writer (docs/benchmarks.md, Delivery).

Stores three rounds of 50,000 events (500 per commit, one delivery each, stored `delivering` as a
hand-off does), then records their outcomes (100 per commit, with attempt rows), once per schema
variant, and prints microseconds per event and per outcome. Python's sqlite3 on a file in /tmp:
the figures compare variants with each other, not with Herald's JDBC path.

    python3 bench/sqlite-index-cost.py                      # every variant
    python3 bench/sqlite-index-cost.py v1-v3 current        # some of them
    COURSES=500 USERS=5000 python3 bench/sqlite-index-cost.py
"""
import json, os, sqlite3, sys, time

N = 50_000
COURSES = int(os.environ.get("COURSES", "50"))   # as the delivery benchmark's events
USERS = int(os.environ.get("USERS", "997"))

EVENTS = """CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
 source TEXT, course_id TEXT, user_id TEXT, occurred_at INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL)"""
EVENT_TYPE = "CREATE INDEX events_type ON events (type, seq)"
EVENT_OCCURRED = "CREATE INDEX events_occurred ON events (occurred_at)"
EVENT_COURSE = "CREATE INDEX events_course ON events (course_id, seq)"
EVENT_USER = "CREATE INDEX events_user ON events (user_id, seq)"
DELIVERIES = """CREATE TABLE deliveries (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
 service_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
 lease_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'delivering';
CREATE INDEX deliveries_event ON deliveries (event_id)"""
STATUS_FULL = ["CREATE INDEX deliveries_status ON deliveries (status, id)",
               "CREATE INDEX deliveries_service_status ON deliveries (service_id, status)"]
STATUS_PARTIAL = ["CREATE INDEX deliveries_waiting ON deliveries (service_id, next_attempt_at) WHERE status IN ('pending', 'retrying')",
                  "CREATE INDEX deliveries_dead ON deliveries (id) WHERE status = 'dead'",
                  "CREATE INDEX deliveries_paused ON deliveries (service_id) WHERE status = 'paused'"]
ATTEMPTS = """CREATE TABLE attempts (id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL, started_at INTEGER NOT NULL,
 duration_ms INTEGER NOT NULL, status_code INTEGER, error_kind TEXT, error TEXT, request_headers TEXT, response_headers TEXT,
 response_excerpt TEXT, request_method TEXT, request_url TEXT, request_body TEXT);
CREATE INDEX attempts_delivery ON attempts (delivery_id, id)"""

VARIANTS = {
    "v1-v3": [EVENT_TYPE, EVENT_COURSE, EVENT_USER, EVENT_OCCURRED] + STATUS_FULL,  # before session 6
    "v4": [EVENT_TYPE, EVENT_COURSE, EVENT_USER, EVENT_OCCURRED] + STATUS_PARTIAL,
    "current": [EVENT_TYPE, EVENT_OCCURRED] + STATUS_PARTIAL,                        # V5
    "no-event-indexes": STATUS_PARTIAL,
}

BODY = json.dumps({"eventname": "\\core\\event\\course_viewed", "component": "core", "crud": "r", "edulevel": 2,
                   "contextid": 1234, "contextlevel": 50, "anonymous": 0, "other": None, "timecreated": 1700000000})
REQUEST_HEADERS = json.dumps({"User-Agent": "Herald/0.1", "Content-Type": "application/json",
                              "webhook-id": "msg_01ABCDEFGHJKMNPQRSTVWXYZ00", "webhook-timestamp": "1700000000",
                              "webhook-signature": "v1," + "A" * 44})
RESPONSE_HEADERS = json.dumps({"Server": "nginx/1.22.1", "Date": "Mon, 23 Nov 2026 18:00:00 GMT",
                               "Content-Type": "text/plain", "Content-Length": "0", "Connection": "keep-alive"})


def run(name, indexes):
    path = "/tmp/herald-index-cost.db"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")
    c.executescript(";\n".join([EVENTS, DELIVERIES, ATTEMPTS] + indexes))
    for round_ in range(3):
        p = "r%d-" % round_
        t0 = time.perf_counter()
        for b in range(0, N, 500):
            c.execute("BEGIN IMMEDIATE")
            c.executemany("INSERT INTO events (id, type, source, course_id, user_id, occurred_at, received_at, body)"
                          " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                          [(p + "ev%d" % i, "\\core\\event\\course_viewed", None, str(i % COURSES), str(i % USERS),
                            1700000000000 + i, 1700000000000 + i, BODY) for i in range(b, b + 500)])
            c.executemany("INSERT INTO deliveries (id, event_id, subscription_id, service_id, status, attempts,"
                          " next_attempt_at, lease_until, created_at, updated_at) VALUES (?,?,?,?,'delivering',0,?,?,?,?)",
                          [(p + "dlv%08d" % i, p + "ev%d" % i, "sub_1", "svc_1", 1, 2, 3, 3) for i in range(b, b + 500)])
            c.execute("COMMIT")
        t1 = time.perf_counter()
        for b in range(0, N, 100):
            c.execute("BEGIN IMMEDIATE")
            c.executemany("UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
                          " lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'",
                          [("delivered", 5, None, 6, p + "dlv%08d" % i) for i in range(b, b + 100)])
            c.executemany("INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          [(p + "att%08d" % i, p + "dlv%08d" % i, 5, 1, 200, None, None, REQUEST_HEADERS,
                            RESPONSE_HEADERS, "", "POST", "http://127.0.0.1:18089/tp", None) for i in range(b, b + 100)])
            c.execute("COMMIT")
        t2 = time.perf_counter()
        print("%-17s events %7d-%7d: ingest %5.1f us/event, outcome %5.1f us/delivery"
              % (name, round_ * N, (round_ + 1) * N, (t1 - t0) / N * 1e6, (t2 - t1) / N * 1e6), flush=True)
    c.close()


for name in sys.argv[1:] or VARIANTS:
    run(name, VARIANTS[name])
