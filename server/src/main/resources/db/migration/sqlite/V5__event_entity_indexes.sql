-- Events lose their course and user indexes. Each new event put an entry in the middle of both, so
-- an ingest commit rewrote a page of each per event: on SQLite, with 150,000 events stored, a
-- 500-event commit cost 50 µs per event against 17 µs without them (docs/benchmarks.md), all of it
-- under the one write lock that deliveries also need. Filtering events by course or user (a rare
-- admin lookup) now scans newest first, a bounded window per request; dead-letter filters by course
-- or user start from the dead letters.
DROP INDEX events_course;
DROP INDEX events_user;
