-- The due-time walk of V9 reads the queued index again (docs/data-model.md, "Work per delivery").
--
-- V9's repeater_earliest_queued had two faults that together made it read every queued record of
-- the repeater, on every claim and every result write (~500 heap pages a call with 500 queued):
-- * its query had no state predicate, so the planner could not use the partial queued index
--   (WHERE state IN (1, 2)); the queue's CHECK constraint says the same, but the planner does not
--   prove index predicates from constraints;
-- * a PL/pgSQL FOR over a query is planned for its whole result, so even with the index the
--   planner preferred reading all rows and sorting them; a declared cursor is planned to return
--   its first rows fast, which is what a walk that usually stops at its first row needs.
-- Measured with bench/run.sh 2: PostgreSQL CPU per delivery went back from 2x V7's to below it
-- (bench/RESULTS.md, "Before and after").

CREATE OR REPLACE FUNCTION repeater_earliest_queued(of_repeater bigint, but_records bigint[]) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    earliest timestamptz;
    walk CURSOR FOR
        SELECT r.next_check, r.lease_until FROM repeat_record r
         WHERE r.repeater_id = of_repeater AND r.state IN (1, 2) AND r.id <> ALL (but_records)
         ORDER BY r.next_check, r.id;
BEGIN
    FOR q IN walk LOOP
        earliest := LEAST(earliest, GREATEST(q.next_check, q.lease_until));
        EXIT WHEN q.lease_until IS NULL;
    END LOOP;
    RETURN earliest;
END
$$;
