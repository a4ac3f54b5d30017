-- Herald schema, PostgreSQL dialect. Times are epoch milliseconds. Keep in step with sqlite/V1__init.sql.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (name, value) VALUES ('deliveries_enabled', 'true'), ('config_version', '0');

CREATE TABLE services (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    enabled    BOOLEAN NOT NULL,
    spec       TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE subscriptions (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    enabled    BOOLEAN NOT NULL,
    spec       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_service ON subscriptions (service_id);

CREATE TABLE events (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    source      TEXT,
    course_id   TEXT,
    user_id     TEXT,
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX events_type ON events (type, seq);
CREATE INDEX events_course ON events (course_id, seq);
CREATE INDEX events_user ON events (user_id, seq);
CREATE INDEX events_occurred ON events (occurred_at);

CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'delivering';
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_status ON deliveries (status, id);

CREATE TABLE attempts (
    id               TEXT PRIMARY KEY,
    delivery_id      TEXT NOT NULL,
    started_at       BIGINT NOT NULL,
    duration_ms      BIGINT NOT NULL,
    status_code      INTEGER,
    error_kind       TEXT,
    error            TEXT,
    request_headers  TEXT,
    response_headers TEXT,
    response_excerpt TEXT
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);

CREATE TABLE event_types_seen (
    name          TEXT PRIMARY KEY,
    component     TEXT,
    first_seen_at BIGINT NOT NULL
);
