-- The ready index gains the repeater id in its key: the ready query takes the longest-waiting
-- ready repeaters ORDER BY ready_at, id, and many repeaters share a ready_at (records enqueued
-- or requeued together). With ready_at alone PostgreSQL had to read and sort every tied
-- repeater to find the first page (38 ms at 50,000 ready repeaters with one ready_at); with the
-- id in the key the index order is the query's order.
-- Writes to repeater wait while the index builds (it holds only active repeaters with queued records).
DROP INDEX repeater_ready_at_idx;
CREATE INDEX repeater_ready_at_idx ON repeater (ready_at, id) INCLUDE (domain, batch_size)
    WHERE ready_at IS NOT NULL AND NOT is_deleted AND NOT is_paused;
