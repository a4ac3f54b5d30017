-- Subscriptions with dedupe_window_s: the key of each event admitted (its eventname, objectid, userid,
-- relateduserid and crud, hashed) until its window ends; an alike event before then makes no delivery.
CREATE TABLE dedupe_keys (
    subscription_id TEXT   NOT NULL,
    dedupe_key      TEXT   NOT NULL,
    until           BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, dedupe_key)
);
CREATE INDEX dedupe_keys_until ON dedupe_keys (until);
