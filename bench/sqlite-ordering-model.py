#!/usr/bin/env python3
"""What an ordering key's bookkeeping costs SQLite's single writer (docs/benchmarks.md, Ordering per key).

50,000 deliveries over 1,000 keys (key = n mod 1,000, as the ordered benchmark), stored 500 per
commit, then drained: each commit records 261 outcomes (with attempt rows) and takes the next
delivery of each ended one's key, as the hand-on does. Three schemas: "none" (unordered: claims of
133 and their outcomes), "index" (the index by subscription, key and id that V11 had) and "chain"
(V12: prev_id, its index, ordering_tails). Prints microseconds per ingested event and per drained
delivery. Python's sqlite3 on files in /tmp: the figures compare the schemas with each other, not
with Herald's JDBC path.

    python3 bench/sqlite-ordering-model.py
"""
import os, sqlite3, time
N=50000; K=1000; G=261
def ulid(i): return "%026d" % i
SUB="01JSUBSCRIPTION00000000000"; SVC="01JSERVICE0000000000000000"
def setup(path, design):
    for f in (path, path+"-wal", path+"-shm"):
        if os.path.exists(f): os.remove(f)
    c=sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=NORMAL")
    c.executescript("""
CREATE TABLE deliveries (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, subscription_id TEXT NOT NULL, service_id TEXT NOT NULL,
 status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, lease_until INTEGER, last_error TEXT,
 created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, ordering_key TEXT, prev_id TEXT);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'delivering';
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_waiting ON deliveries (service_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE TABLE attempts (id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
 status_code INTEGER, error_kind TEXT, error TEXT, request_headers TEXT, response_headers TEXT, response_excerpt TEXT, request_method TEXT, request_url TEXT);
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
""")
    if design=="index":
        c.execute("CREATE INDEX deliveries_ordered ON deliveries (subscription_id, ordering_key, id) WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused')")
    elif design=="chain":
        c.execute("CREATE TABLE tails (subscription_id TEXT NOT NULL, ordering_key TEXT NOT NULL, delivery_id TEXT NOT NULL, PRIMARY KEY (subscription_id, ordering_key))")
        c.execute("CREATE INDEX deliveries_next ON deliveries (prev_id) WHERE prev_id IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused')")
    return c

def ingest(c, design):
    t0=time.perf_counter(); now=1000
    tails={}
    for b in range(0,N,500):
        c.execute("BEGIN IMMEDIATE")
        rows=[]
        for i in range(b,b+500):
            key=str(i%K) if design!="none" else None
            held = design!="none" and i>=K
            prev = ulid(i-K+1) if (design=="chain" and held) else None
            rows.append((ulid(i+1),"E"+ulid(i),SUB,SVC,"pending",now+60000 if held else now,now,now,key,prev))
        if design=="chain":
            c.executemany("INSERT INTO tails VALUES (?,?,?) ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET delivery_id=excluded.delivery_id", [(SUB,r[8],r[0]) for r in rows])
        c.executemany("INSERT INTO deliveries (id,event_id,subscription_id,service_id,status,next_attempt_at,created_at,updated_at,ordering_key,prev_id) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        c.execute("COMMIT")
    return time.perf_counter()-t0

HDR='{"content-type":"application/json","webhook-id":"msg_xxxxxxxxxxxxxxxxxxxxxxxxxx","webhook-timestamp":"1700000000","webhook-signature":"v1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
def outcome(c, ids, aid):
    c.executemany("UPDATE deliveries SET status='delivered', attempts=attempts+1, lease_until=NULL, updated_at=? WHERE id=? AND status='delivering'", [(2000,i) for i in ids])
    c.executemany("INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [("A"+ulid(aid+k), i, 2000, 1, 200, None, None, HDR, '{"server":"nginx"}', '', 'POST', 'http://127.0.0.1:18089/') for k,i in enumerate(ids)])

def drain_ordered(c, design):
    # first K are claimed (delivering) at start
    c.execute("BEGIN IMMEDIATE"); c.execute("UPDATE deliveries SET status='delivering', lease_until=9999 WHERE id<=?", (ulid(K),)); c.execute("COMMIT")
    inflight=[ulid(i+1) for i in range(K)]
    t0=time.perf_counter(); aid=0; done=0
    while inflight:
        grp=inflight[:G]; inflight=inflight[G:]
        c.execute("BEGIN IMMEDIATE")
        outcome(c, grp, aid); aid+=len(grp)
        marks=",".join("?"*len(grp))
        if design=="index":
            nxt="SELECT (SELECT MIN(n.id) FROM deliveries n WHERE n.ordering_key IS NOT NULL AND n.status IN ('pending', 'retrying', 'delivering', 'paused') AND n.subscription_id = f.subscription_id AND n.ordering_key = f.ordering_key AND n.id > f.id) FROM deliveries f WHERE f.id IN (%s) AND f.ordering_key IS NOT NULL" % marks
        else:
            nxt="SELECT n.id FROM deliveries n WHERE n.prev_id IN (%s) AND n.prev_id IS NOT NULL AND n.status IN ('pending', 'retrying', 'delivering', 'paused')" % marks
        taken=[r[0] for r in c.execute("UPDATE deliveries SET status='delivering', lease_until=9999, next_attempt_at=2000, updated_at=2000 WHERE status='pending' AND id IN (%s) RETURNING id" % nxt, grp)]
        c.execute("COMMIT")
        inflight.extend(sorted(taken)); done+=len(grp)
    return time.perf_counter()-t0, done

def drain_unordered(c):
    t0=time.perf_counter(); aid=0; done=0
    while True:
        c.execute("BEGIN IMMEDIATE")
        ids=[r[0] for r in c.execute("UPDATE deliveries SET status='delivering', lease_until=9999, updated_at=2000 WHERE id IN (SELECT id FROM deliveries d WHERE d.status IN ('pending','retrying') AND d.next_attempt_at <= 3000 ORDER BY next_attempt_at LIMIT 133) RETURNING id")]
        c.execute("COMMIT")
        if not ids: break
        c.execute("BEGIN IMMEDIATE"); outcome(c, ids, aid); aid+=len(ids); c.execute("COMMIT"); done+=len(ids)
    return time.perf_counter()-t0, done

for rep in range(3):
  for design in ("none","index","chain"):
    c=setup("/tmp/herald-ordering-model-%s.sqlite"%design, design)
    ti=ingest(c, design)
    td,n = drain_unordered(c) if design=="none" else drain_ordered(c, design)
    print("%-6s ingest %.1f us/ev  drain %.1f us/delivery (%d)" % (design, ti/N*1e6, td/n*1e6, n))
    c.close()
for design in ("none", "index", "chain"):
    for f in ("", "-wal", "-shm"):
        p = "/tmp/herald-ordering-model-%s.sqlite%s" % (design, f)
        if os.path.exists(p): os.remove(p)
