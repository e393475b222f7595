-- A ready query whose cost follows the ready repeaters, not all of them (docs/data-model.md,
-- "Ready repeaters"). Until now it probed the queued-records index once per active repeater,
-- due or not. Now each repeater row carries when it can next be dispatched, and the ready query
-- is one range scan of one partial index over those that can be dispatched now.
--
-- next_due_at  the earliest next_check of the repeater's queued records, NULL when none is queued.
--              Kept as a LOWER BOUND: a writer that may make it earlier lowers it in the same
--              statement (LEAST): inserts through the trigger below, requeue, resend and the
--              hand-back of claims in their own statements; a writer that may make
--              it later (claim, result write) recomputes it from its snapshot, and writes that
--              only if due_version is still the one its snapshot saw, else it only lowers it. So a
--              concurrent enqueue is never hidden; a value left too early costs one empty claim,
--              which corrects it.
-- due_version  bumped by every write of next_due_at: the check above.
-- last_batch_at when the repeater's last batch was claimed. Part of ready_at so that a repeater
--              just served queues behind every repeater that has waited longer: past the ready
--              query's row cap none starves.
-- ready_at     when the repeater can next be dispatched: the latest of those and its backoff end.
ALTER TABLE repeater
    ADD COLUMN next_due_at   timestamptz,
    ADD COLUMN due_version   bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_batch_at timestamptz,
    ADD COLUMN ready_at      timestamptz GENERATED ALWAYS AS (
        CASE WHEN next_due_at IS NOT NULL THEN GREATEST(next_due_at, next_attempt_at, last_batch_at) END) STORED;

UPDATE repeater r SET next_due_at = q.due, due_version = r.due_version + 1
  FROM (SELECT repeater_id, min(next_check) AS due FROM repeat_record WHERE state IN (1, 2) GROUP BY repeater_id) q
 WHERE r.id = q.repeater_id;

-- The recompute the claim and the result write share: the earliest next_check of the repeater's
-- queued records but those the calling statement is changing. STABLE, so it reads the calling
-- statement's snapshot, which the due_version check is about.
CREATE FUNCTION repeater_earliest_queued(of_repeater bigint, but_records bigint[]) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT q.next_check FROM repeat_record q
     WHERE q.repeater_id = of_repeater AND q.state IN (1, 2) AND q.id <> ALL (but_records)
     ORDER BY q.next_check, q.id LIMIT 1
$$;

-- Every insert of queued records lowers next_due_at, whoever inserts them (the enqueue call, a
-- bulk load, another producer writing SQL): one UPDATE per statement over the inserted rows.
CREATE FUNCTION repeat_record_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE repeater r SET next_due_at = LEAST(r.next_due_at, added.due), due_version = r.due_version + 1
      FROM (SELECT repeater_id, min(next_check) AS due FROM inserted
             WHERE state IN (1, 2) GROUP BY repeater_id) added
     WHERE r.id = added.repeater_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER repeat_record_due
    AFTER INSERT ON repeat_record
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION repeat_record_due();

-- The ready query's only read: repeaters that can be dispatched, by when.
CREATE INDEX repeater_ready_at_idx ON repeater (ready_at) INCLUDE (id, domain, batch_size)
    WHERE ready_at IS NOT NULL AND NOT is_deleted AND NOT is_paused;

-- The old query's "never backed off" branch. The backoff index stays: the backlog gauge counts
-- backed-off repeaters with it.
DROP INDEX repeater_ready_idle_idx;
