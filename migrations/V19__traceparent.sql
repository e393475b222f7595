-- Tracing (docs/operations.md "Tracing"): a record enqueued with a W3C traceparent keeps it, so its
-- deliveries, on any replica and after any retry, continue the enqueuer's trace.
--
-- * repeat_record.traceparent, repeat_record_history.traceparent: the version-00 header as the
--   service checked it at enqueue ("00-<trace id>-<parent id>-<flags>", 55 characters), or the
--   context of the enqueue request's own span when tracing is on; NULL for records enqueued outside
--   a trace. The claims return it with each record; the result write, cancel, requeue and resend
--   carry it between queue and history. It is in no index and no view.
--
-- Safe with older replicas still running: a nullable column without a default is catalog-only (no
-- rewrite; each partition of the history gets the same), each ALTER holds its table's ACCESS
-- EXCLUSIVE lock only for the catalog change. Older replicas name the columns they read and write:
-- they enqueue without a traceparent, deliver without one, and a record they move between queue and
-- history meanwhile loses it (NULL afterwards: its later deliveries start traces of their own).
-- No CHECK: the service validates the value, and a CHECK would read the whole history under the lock.

ALTER TABLE repeat_record
  ADD COLUMN traceparent text;

ALTER TABLE repeat_record_history
  ADD COLUMN traceparent text;
