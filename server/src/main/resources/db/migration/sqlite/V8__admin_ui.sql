-- The admin UI: its users (roles admin, operator, viewer; Argon2id password hashes), their
-- sessions (the cookie's SHA-256 only), the audit log of every configuration change, the request
-- inspector's bins and what they received, and per-minute delivery figures for the dashboard.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER NOT NULL DEFAULT 0,
    last_login_at        INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

CREATE TABLE ui_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX ui_sessions_user ON ui_sessions (user_id);
CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT,
    target_name TEXT,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, seq);

CREATE TABLE inspector_bins (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE inspector_requests (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    bin_id      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    query       TEXT,
    headers     TEXT NOT NULL,
    body        TEXT,
    body_bytes  INTEGER NOT NULL,
    remote      TEXT
);
CREATE INDEX inspector_requests_bin ON inspector_requests (bin_id, seq);

CREATE TABLE delivery_stats (
    minute      INTEGER NOT NULL,
    service_id  TEXT NOT NULL,
    node        TEXT NOT NULL,
    delivered   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    dead        INTEGER NOT NULL,
    latency     TEXT NOT NULL,
    PRIMARY KEY (minute, service_id, node)
);
