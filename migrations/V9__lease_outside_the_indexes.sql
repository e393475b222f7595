-- A claim that is a HOT update (docs/data-model.md, "Work per delivery").
--
-- Until now a claim moved the record's next_check to its lease end. next_check is in the queued
-- index, so every claim (and every lease renewal, and every hand-back) wrote a new entry into each
-- of the queue's six indexes. Now the lease has its own column, lease_until, in no index: a claim
-- writes claim_token and lease_until only, PostgreSQL can keep the new row version on the same page
-- without touching an index (a HOT update), and next_check stays when the record was due.
--
-- A record is claimable when next_check has come and it holds no lease that is still running
-- (lease_until NULL or past). The claim statements read the queued index as before and skip the
-- few leased rows in it: at most a batch per repeater, since a repeater's batches run one at a time.

ALTER TABLE repeat_record ADD COLUMN lease_until timestamptz;
-- Room on each page for the claim's new row version: HOT needs it on the same page.
ALTER TABLE repeat_record SET (fillfactor = 80);

-- Claims taken before the upgrade keep their lease: it was their next_check.
UPDATE repeat_record SET lease_until = next_check WHERE claim_token IS NOT NULL;

-- The earliest time one of the repeater's queued records can be claimed, but those the calling
-- statement is changing: a leased record counts at its lease end. Walked in next_check order, the
-- first record without a lease ends the walk (every later one is due no earlier), so only the
-- leased records before it are read. STABLE: it reads the calling statement's snapshot, which the
-- due_version check of V6 relies on.
CREATE OR REPLACE FUNCTION repeater_earliest_queued(of_repeater bigint, but_records bigint[]) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    earliest timestamptz;
    q record;
BEGIN
    FOR q IN SELECT r.next_check, r.lease_until FROM repeat_record r
              WHERE r.repeater_id = of_repeater AND r.id <> ALL (but_records)
              ORDER BY r.next_check, r.id LOOP
        earliest := LEAST(earliest, GREATEST(q.next_check, q.lease_until));
        EXIT WHEN q.lease_until IS NULL;
    END LOOP;
    RETURN earliest;
END
$$;

-- The admin API shows a held record's next check as its lease end, as before.
CREATE OR REPLACE VIEW repeat_record_all AS
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
       GREATEST(next_check, lease_until) AS next_check, attempt_count, claim_token, updated_at
  FROM repeat_record
UNION ALL
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, NULL::timestamptz, attempt_count,
       NULL::uuid, finished_at
  FROM repeat_record_history;
