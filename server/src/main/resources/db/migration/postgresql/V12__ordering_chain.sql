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
    updated_at      BIGINT NOT NULL, -- when an ingest or a replay last wrote it (retention leaves recent ones)
    PRIMARY KEY (subscription_id, ordering_key)
);
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
-- Deliveries deleted while they wait or are being sent (erasure, an operator's delete) leave their
-- keys' lines: the one behind each waits for the nearest one before it that is not deleted too, and
-- a key's tail moves back to that one. (An ended delivery needs nothing: what came after it may go,
-- and a tail that names no row holds nothing.) Once per statement, over all the rows it deleted: a
-- row trigger could not update a row the same statement deletes next.
CREATE FUNCTION deliveries_leave_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM gone WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused')) THEN
        RETURN NULL;
    END IF;
    -- The keys' tails first, in key order (bytes) as ingests lock them: an ingest appending to one of these
    -- keys has committed when this goes on, and the statement below sees what it appended.
    PERFORM 1 FROM ordering_tails t WHERE (t.subscription_id, t.ordering_key) IN
        (SELECT g.subscription_id, g.ordering_key FROM gone g WHERE g.ordering_key IS NOT NULL AND g.status IN ('pending', 'retrying', 'delivering', 'paused'))
        ORDER BY t.subscription_id COLLATE "C", t.ordering_key COLLATE "C" FOR UPDATE;
    WITH RECURSIVE back(id, sub, key, prev) AS (
        SELECT g.id, g.subscription_id, g.ordering_key, g.prev_id FROM gone g
            WHERE g.ordering_key IS NOT NULL AND g.status IN ('pending', 'retrying', 'delivering', 'paused')
        UNION
        SELECT b.id, b.sub, b.key, g.prev_id FROM back b JOIN gone g ON g.id = b.prev
    ), resolved AS (
        SELECT id, sub, key, prev FROM back b WHERE b.prev IS NULL OR NOT EXISTS (SELECT 1 FROM gone g WHERE g.id = b.prev)
    ), relinked AS (
        UPDATE deliveries d SET prev_id = r.prev FROM resolved r WHERE d.prev_id = r.id RETURNING d.id
    ), moved AS (
        UPDATE ordering_tails t SET delivery_id = r.prev FROM resolved r
            WHERE t.subscription_id = r.sub AND t.ordering_key = r.key AND t.delivery_id = r.id AND r.prev IS NOT NULL
            RETURNING t.delivery_id
    )
    DELETE FROM ordering_tails t USING resolved r
        WHERE t.subscription_id = r.sub AND t.ordering_key = r.key AND t.delivery_id = r.id AND r.prev IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_leave_lines AFTER DELETE ON deliveries REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION deliveries_leave_lines();
