WITH res AS (
    -- counted: 1, or 0 for an attempt that does not count toward the maximum (a 429)
    SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::smallint[], $4::int[], $5::text[],
                         $6::int[], $7::timestamptz[], $8::timestamptz[], $9::uuid[], $15::smallint[])
           AS t(record_id, attempt_state, record_state, http_status, message, duration_ms, attempted_at,
                next_check, claim_token, counted)
), locked AS (
    -- Rows locked in id order: two writes that share records (a stale sender's fenced write beside
    -- the new holder's) or repeaters then queue up instead of deadlocking. Each row carries its
    -- result, so the writes below join nothing but the row itself: the statement is prepared, and
    -- a generic plan, which cannot know how many records a call carries, stays linear in them.
    SELECT q.id, res.attempt_state, res.record_state, res.http_status, res.message, res.duration_ms,
           res.attempted_at, res.next_check, res.claim_token, res.counted
      FROM repeat_record q JOIN res ON q.id = res.record_id AND q.claim_token = res.claim_token
     ORDER BY q.id
       FOR UPDATE OF q
), retried AS (
    -- still queued (failed, due again later): updated in place
    UPDATE repeat_record q
       SET state = l.record_state, next_check = l.next_check, attempt_count = q.attempt_count + l.counted,
           claim_token = NULL, lease_until = NULL, updated_at = $10
      FROM locked l
     WHERE q.id = l.id AND q.claim_token = l.claim_token AND l.record_state IN ({{QUEUED}})
    RETURNING q.id, q.repeater_id, l.attempt_state, l.http_status, l.message, l.duration_ms, l.attempted_at, l.next_check
), finished AS (
    -- finished: leaves the queue for history, with its id (a delete writes no index entry)
    DELETE FROM repeat_record q
     USING locked l
     WHERE q.id = l.id AND q.claim_token = l.claim_token AND l.record_state NOT IN ({{QUEUED}})
    RETURNING q.id, q.repeater_id, q.domain, q.payload_id, q.payload, q.content_type, q.registered_at, q.event_type, q.traceparent,
              q.attempt_count + l.counted AS attempt_count, l.record_state,
              l.attempt_state, l.http_status, l.message, l.duration_ms, l.attempted_at, l.next_check
), archived AS (
    INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                       attempt_count, finished_at, event_type, traceparent)
    SELECT id, domain, repeater_id, payload_id, payload, content_type, record_state, registered_at, attempt_count, $10, event_type,
           traceparent
      FROM finished
), rec AS (
    SELECT id, repeater_id, attempt_state, http_status, message, duration_ms, attempted_at, next_check, true AS kept FROM retried
    UNION ALL
    SELECT id, repeater_id, attempt_state, http_status, message, duration_ms, attempted_at, next_check, false FROM finished
), seen AS (
    -- Each written repeater's due_version as this statement's snapshot saw it (see rep).
    SELECT r.id, r.due_version FROM repeater r WHERE r.id IN (SELECT repeater_id FROM rec)
), rep_locked AS (
    -- disable_reason (docs/api.md "Disabled endpoints"): read off the locked row, as it is now, not
    -- as the snapshot saw it. A repeater already paused (by an operator, or disabled) stays as it is.
    SELECT r.id,
           CASE WHEN r.is_paused OR r.is_deleted THEN NULL
                WHEN d.signal = 'gone' THEN 'gone'
                WHEN d.signal = 'receiver-requested' AND r.honor_disable_header THEN 'receiver-requested'
                WHEN u.backed_off AND r.failing_since <= $10 - $18::bigint * interval '1 millisecond' THEN 'failing'
           END AS disable_reason
      FROM repeater r
      LEFT JOIN unnest($11::bigint[], $12::bool[]) AS u(repeater_id, backed_off) ON u.repeater_id = r.id
      LEFT JOIN unnest($16::bigint[], $17::text[]) AS d(repeater_id, signal) ON d.repeater_id = r.id
     WHERE r.id IN (SELECT repeater_id FROM rec)
     ORDER BY r.id
       FOR NO KEY UPDATE OF r
), rep AS (
    -- Every repeater with a record written: its next_due_at recomputed (the snapshot's queued
    -- records but the ones written here, plus these records' new next checks), kept only if no
    -- enqueue moved it since the snapshot, else only lowered by these records' next checks. The
    -- per-repeater path's batches also write the backoff state (legacy records carry none).
    UPDATE repeater r
       SET next_due_at = CASE WHEN r.due_version <> seen.due_version THEN LEAST(r.next_due_at, mine.next_check)
                              -- strict: the head after this write decides (a retried head stays the head)
                              WHEN r.ordering = 'strict' THEN repeater_head_due(r.id, mine.record_ids, mine.kept_id, mine.kept_due)
                              ELSE LEAST(repeater_earliest_queued(r.id, mine.record_ids), mine.next_check) END,
           due_version = r.due_version + 1,
           -- a failing repeater's backoff ends by the time its streak reaches disable-after, so the
           -- batch that disables it comes then, not up to one doubled wait later (LEAST skips NULL)
           next_attempt_at = CASE WHEN u.repeater_id IS NULL THEN r.next_attempt_at
                                  ELSE LEAST(u.next_attempt_at, CASE WHEN u.backed_off
                                      THEN COALESCE(r.failing_since, $10) + $18::bigint * interval '1 millisecond' END) END,
           last_attempt_at = CASE WHEN u.repeater_id IS NULL THEN r.last_attempt_at ELSE u.last_attempt_at END,
           updated_at = CASE WHEN u.repeater_id IS NULL AND rep_locked.disable_reason IS NULL THEN r.updated_at ELSE $10 END,
           consecutive_failed_batches = CASE WHEN u.repeater_id IS NULL THEN r.consecutive_failed_batches
                                             WHEN u.backed_off THEN r.consecutive_failed_batches + 1 ELSE 0 END,
           -- the streak: begun by a wholly failed batch, ended by any the endpoint answered (legacy records leave it)
           failing_since = CASE WHEN u.repeater_id IS NULL THEN r.failing_since
                                WHEN u.backed_off THEN COALESCE(r.failing_since, $10) END,
           is_paused = r.is_paused OR rep_locked.disable_reason IS NOT NULL,
           disabled_at = CASE WHEN rep_locked.disable_reason IS NULL THEN r.disabled_at ELSE $10 END,
           disabled_reason = COALESCE(rep_locked.disable_reason, r.disabled_reason)
      FROM rep_locked
      JOIN seen ON seen.id = rep_locked.id
      JOIN (SELECT repeater_id, array_agg(id) AS record_ids, min(next_check) AS next_check,
                   min(id) FILTER (WHERE kept) AS kept_id, (array_agg(next_check ORDER BY id) FILTER (WHERE kept))[1] AS kept_due
              FROM rec GROUP BY repeater_id) mine ON mine.repeater_id = rep_locked.id
      LEFT JOIN unnest($11::bigint[], $12::bool[], $13::timestamptz[], $14::timestamptz[])
           AS u(repeater_id, backed_off, next_attempt_at, last_attempt_at) ON u.repeater_id = rep_locked.id
     WHERE r.id = rep_locked.id
    RETURNING r.id, r.domain, rep_locked.disable_reason, r.failing_since
), disabled AS (
    SELECT id, domain, disable_reason, failing_since FROM rep WHERE disable_reason IS NOT NULL
), audited AS (
    INSERT INTO admin_audit (at, actor, action, target, detail)
    SELECT $10, 'system', 'repeater.disable', 'repeater/' || id,
           jsonb_build_object('reason', disable_reason,
                              'disabledAt', to_char($10 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                              'failingSince', to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
      FROM disabled
), attempts AS (
    INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
    SELECT id, attempt_state, http_status, message, duration_ms, attempted_at FROM rec
    RETURNING record_id
)
SELECT record_id, NULL::bigint, NULL::text, NULL::text, NULL::timestamptz FROM attempts
UNION ALL
SELECT NULL, id, domain, disable_reason, failing_since FROM disabled
