SELECT q.id FROM repeater r
  LEFT JOIN domain_flag f ON f.domain = r.domain
 CROSS JOIN LATERAL (
    -- a strict repeater offers its head only, when due and free (as in claim-batch.sql)
    (SELECT q.id, q.next_check FROM repeat_record q
      WHERE r.ordering <> 'strict' AND q.repeater_id = r.id AND q.state IN ({{QUEUED}}) AND q.next_check <= $1
        AND (q.lease_until IS NULL OR q.lease_until <= $1)
      ORDER BY q.next_check LIMIT $3)
    UNION ALL
    (SELECT q.id, q.next_check FROM repeat_record q
      WHERE r.ordering = 'strict' AND q.next_check <= $1 AND (q.lease_until IS NULL OR q.lease_until <= $1)
        AND q.id = (SELECT h.id FROM repeat_record h WHERE h.repeater_id = r.id AND h.state IN ({{QUEUED}})
                     ORDER BY h.id LIMIT 1))) q
 WHERE NOT r.is_deleted AND NOT r.is_paused
   AND NOT COALESCE(f.process_repeaters, $2)
 ORDER BY q.next_check
 LIMIT $3
