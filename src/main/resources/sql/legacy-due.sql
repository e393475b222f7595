SELECT q.id FROM repeater r
  LEFT JOIN domain_flag f ON f.domain = r.domain
 CROSS JOIN LATERAL (
    SELECT q.id, q.next_check FROM repeat_record q
     WHERE q.repeater_id = r.id AND q.state IN ({{QUEUED}}) AND q.next_check <= $1
       AND (q.lease_until IS NULL OR q.lease_until <= $1)
     ORDER BY q.next_check LIMIT $3) q
 WHERE NOT r.is_deleted AND NOT r.is_paused
   AND NOT COALESCE(f.process_repeaters, $2)
 ORDER BY q.next_check
 LIMIT $3
