-- The seed's FIRST ready query, the one the design thread (CommCare's "process repeaters" pull
-- request) measured before the UNION ALL rewrite: "the query used by
-- Repeater.objects.get_all_ready_ids_by_domain()", EXPLAIN ANALYZE'd on staging at 1,624 ms,
-- returning 638,862 rows, one per queued record: no DISTINCT and no LIMIT.
-- Kept as the thread shows it, with only the names mapped to this schema (repeaters_repeater ->
-- repeater, "id_" -> id, repeaters_repeatrecord -> repeat_record, "repeater_id_" -> repeater_id)
-- and the timestamp literal made the parameter $1 (the service's "now"). It has no due-time test
-- on records and no per-domain flag, exactly like the original.
-- bench/ready-query.sh reads this file: everything but the "--" lines is the statement.
SELECT r.domain, r.id
  FROM repeater r
 INNER JOIN repeat_record rr ON (r.id = rr.repeater_id)
 WHERE (NOT r.is_deleted
        AND NOT r.is_paused
        AND (r.next_attempt_at IS NULL
             OR r.next_attempt_at <= $1)
        AND rr.state IN (1, 2))
