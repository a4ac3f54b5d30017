-- Ordering per key as a chain: each ordered delivery names the delivery of its subscription and key
-- just before it (prev_id), and each key's last delivery is kept in ordering_tails. The index by
-- (subscription_id, ordering_key, id) it replaces put every new and every ended ordered delivery at
-- a random page of a large index (its key's place); a chain's entries are written once, in the order
-- deliveries are made, and a status change does not touch them.
ALTER TABLE deliveries ADD COLUMN prev_id TEXT;
CREATE TABLE ordering_tails (
    subscription_id TEXT NOT NULL,
    ordering_key    TEXT NOT NULL,
    delivery_id     TEXT NOT NULL,
    updated_at      INTEGER NOT NULL, -- when an ingest or a replay last wrote it (retention leaves recent ones)
    PRIMARY KEY (subscription_id, ordering_key)
) WITHOUT ROWID;
-- Deliveries still waiting or being sent are chained as the old index ordered them.
UPDATE deliveries SET prev_id = (SELECT MAX(p.id) FROM deliveries p WHERE p.ordering_key IS NOT NULL
        AND p.status IN ('pending', 'retrying', 'delivering', 'paused')
        AND p.subscription_id = deliveries.subscription_id AND p.ordering_key = deliveries.ordering_key
        AND p.id < deliveries.id)
    WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused');
INSERT INTO ordering_tails (subscription_id, ordering_key, delivery_id, updated_at)
    SELECT subscription_id, ordering_key, MAX(id), MAX(updated_at) FROM deliveries
    WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused')
    GROUP BY subscription_id, ordering_key;
DROP INDEX deliveries_ordered;
-- The delivery after a given one: written when the delivery is made, never by a change of status.
CREATE INDEX deliveries_next ON deliveries (prev_id) WHERE prev_id IS NOT NULL;
-- A delivery deleted while it waits or is being sent (erasure, an operator's delete) leaves its key's
-- line: the one behind it waits for the one before it, and the key's tail moves back to that one.
-- (An ended delivery needs nothing: what came after it may go, and a tail that names no row holds
-- nothing.) After each row, so that when one statement deletes several of a line, each next one
-- is read with the link the one before it left.
CREATE TRIGGER deliveries_leave_line AFTER DELETE ON deliveries
    WHEN OLD.ordering_key IS NOT NULL AND OLD.status IN ('pending', 'retrying', 'delivering', 'paused')
BEGIN
    UPDATE ordering_tails SET delivery_id = OLD.prev_id
        WHERE subscription_id = OLD.subscription_id AND ordering_key = OLD.ordering_key AND delivery_id = OLD.id
        AND OLD.prev_id IS NOT NULL;
    DELETE FROM ordering_tails
        WHERE subscription_id = OLD.subscription_id AND ordering_key = OLD.ordering_key AND delivery_id = OLD.id;
    UPDATE deliveries SET prev_id = OLD.prev_id WHERE prev_id = OLD.id;
END;
