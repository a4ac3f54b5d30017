-- The deliveries whose failures the breaker counted in its current window (space-separated, at most
-- the threshold's number): one delivery's own retries count once, so they cannot open it alone.
ALTER TABLE service_state ADD COLUMN failed_ids TEXT NOT NULL DEFAULT '';
