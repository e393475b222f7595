-- Wakes every replica's dispatch loop when records are enqueued, instead of leaving the replicas
-- that did not take the enqueue call to find them on their next tick. One notification per
-- INSERT statement (not per row), sent at commit; PostgreSQL folds identical notifications of
-- one transaction into one. Listened to by dispatch/EnqueueNotifications.
CREATE FUNCTION repeat_record_enqueued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('repeater_dispatch_enqueued', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER repeat_record_enqueued
    AFTER INSERT ON repeat_record
    FOR EACH STATEMENT EXECUTE FUNCTION repeat_record_enqueued();
