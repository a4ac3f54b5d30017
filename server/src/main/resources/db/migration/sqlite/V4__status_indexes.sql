-- Deliveries are indexed by status only where a query looks for that status. Nearly every row ends
-- delivered, and the full (status, id) and (service_id, status) indexes made each state change of
-- each delivery rewrite two index entries under the write lock. Queries name the status as a
-- literal so that these partial indexes apply.
DROP INDEX deliveries_status;
DROP INDEX deliveries_service_status;
-- Per-service claims and pausing: a service's due deliveries, oldest due first.
CREATE INDEX deliveries_waiting ON deliveries (service_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
-- Dead letters, newest first (lists, replays); paused deliveries per service (resume).
CREATE INDEX deliveries_dead ON deliveries (id) WHERE status = 'dead';
CREATE INDEX deliveries_paused ON deliveries (service_id) WHERE status = 'paused';
