-- Ordering per key: a subscription's ordering_key path, its value per delivery. A delivery is not
-- due while an earlier one of its subscription and key is waiting or being sent. The index holds
-- exactly those that hold a key (its condition is the claim's, word for word, so SQLite uses it).
ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
CREATE INDEX deliveries_ordered ON deliveries (subscription_id, ordering_key, id)
    WHERE ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused');
