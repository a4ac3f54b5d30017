-- Delivery engine (issue 4), SQLite dialect. Keep in step with postgresql/V2__delivery_engine.sql.

-- The exact request of an attempt: method and URL always, the body when the attempt did not
-- deliver (what a dead letter needs; a delivered body is not kept twice).
ALTER TABLE attempts ADD COLUMN request_method TEXT;
ALTER TABLE attempts ADD COLUMN request_url TEXT;
ALTER TABLE attempts ADD COLUMN request_body TEXT;

-- Per-service delivery state shared by every node: pause, circuit breaker, rate budget.
-- A service without a row is running, closed, and has a full budget.
CREATE TABLE service_state (
    service_id     TEXT PRIMARY KEY,
    paused         BOOLEAN NOT NULL DEFAULT FALSE,
    breaker_state  TEXT NOT NULL DEFAULT 'closed', -- closed | open | half_open
    failures       INTEGER NOT NULL DEFAULT 0,     -- within the window starting at window_start
    window_start   INTEGER NOT NULL DEFAULT 0,
    open_until     INTEGER NOT NULL DEFAULT 0,     -- open: no call before; half_open: the probe's lease
    times_opened   INTEGER NOT NULL DEFAULT 0,
    tokens         DOUBLE PRECISION NOT NULL DEFAULT 0, -- rate limit bucket
    refilled_at    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX deliveries_service_status ON deliveries (service_id, status);
