-- Open edX: event bus sources (Redis Streams; the document is sealed, its URL may hold a password)
-- and the bus messages that could not become events; webfilters and the log of their calls;
-- inbound hooks (sealed: they hold their callers' secret).
CREATE TABLE openedx_sources (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    enabled    BOOLEAN NOT NULL,
    spec       TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE openedx_failed_messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id  TEXT NOT NULL,
    stream     TEXT NOT NULL,
    entry_id   TEXT NOT NULL,
    message_id TEXT,
    type       TEXT,
    reason     TEXT NOT NULL,
    event_data TEXT,
    at         INTEGER NOT NULL
);
CREATE INDEX openedx_failed_messages_source ON openedx_failed_messages (source_id, seq);

CREATE TABLE webfilters (
    id          TEXT PRIMARY KEY,
    filter_type TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL,
    spec        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX webfilters_type ON webfilters (filter_type);

CREATE TABLE webfilter_calls (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    webfilter_id  TEXT NOT NULL,
    filter_type   TEXT NOT NULL,
    at            INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    status_code   INTEGER,
    error_kind    TEXT,
    error         TEXT,
    outcome       TEXT NOT NULL,
    request_body  TEXT,
    response_body TEXT
);
CREATE INDEX webfilter_calls_webfilter ON webfilter_calls (webfilter_id, seq);
CREATE INDEX webfilter_calls_at ON webfilter_calls (at);

CREATE TABLE hooks (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    enabled    BOOLEAN NOT NULL,
    spec       TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
