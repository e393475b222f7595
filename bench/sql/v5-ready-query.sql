-- The ready query as it was up to migration V5 (bench/ready-scale.sh runs it beside today's):
-- one UNION ALL branch per backoff case, each probing the queued-records index once per active repeater.
SELECT r.id, r.domain, r.batch_size FROM repeater r
  LEFT JOIN domain_flag f ON f.domain = r.domain
 CROSS JOIN LATERAL (SELECT 1 FROM repeat_record q
                      WHERE q.repeater_id = r.id AND q.state IN (1, 2) AND q.next_check <= $1
                      ORDER BY q.next_check LIMIT 1) due
 WHERE r.next_attempt_at IS NULL AND NOT r.is_deleted AND NOT r.is_paused
   AND COALESCE(f.process_repeaters, $2)
UNION ALL
SELECT r.id, r.domain, r.batch_size FROM repeater r
  LEFT JOIN domain_flag f ON f.domain = r.domain
 CROSS JOIN LATERAL (SELECT 1 FROM repeat_record q
                      WHERE q.repeater_id = r.id AND q.state IN (1, 2) AND q.next_check <= $1
                      ORDER BY q.next_check LIMIT 1) due
 WHERE r.next_attempt_at <= $1 AND NOT r.is_deleted AND NOT r.is_paused
   AND COALESCE(f.process_repeaters, $2)
LIMIT $3
