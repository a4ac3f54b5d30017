-- Gateway calls (POST /api/v1/services/{name}/requests): each is a delivery without an event or a
-- subscription (subscription_id ''); its event_id names the stored request here.
CREATE TABLE gateway_requests (
    id              TEXT PRIMARY KEY,
    service_id      TEXT NOT NULL,
    request         TEXT NOT NULL,
    idempotency_key TEXT,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX gateway_requests_idempotency ON gateway_requests (service_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX gateway_requests_created ON gateway_requests (created_at);
