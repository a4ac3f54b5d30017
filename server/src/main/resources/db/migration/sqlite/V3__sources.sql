-- Moodle log-table sources (issue 5), SQLite dialect. Keep in step with postgresql/V3__sources.sql.
-- spec holds the masked document, secrets the whole document encrypted (as for services).
CREATE TABLE sources (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    enabled    BOOLEAN NOT NULL,
    spec       TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The tail position: every log id <= last_log_id has been stored, is watched in source_watched, or was
-- given up after the grace period. NULL until the start position was resolved against the Moodle database.
-- lease_owner/lease_until: the Herald node that tails this source (one at a time).
CREATE TABLE source_state (
    source_id   TEXT PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    last_log_id INTEGER,
    lease_owner TEXT,
    lease_until INTEGER,
    updated_at  INTEGER NOT NULL
);

-- Log ids below last_log_id not seen yet: a Moodle transaction may commit them late.
CREATE TABLE source_watched (
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    log_id    INTEGER NOT NULL,
    since     INTEGER NOT NULL,
    PRIMARY KEY (source_id, log_id)
);
