SELECT ready.id, ready.domain, ready.batch_size FROM (
    SELECT r.id, r.domain, r.batch_size, r.ready_at,
           row_number() OVER (PARTITION BY r.domain ORDER BY r.ready_at, r.id) AS turn
      FROM repeater r
      LEFT JOIN domain_flag f ON f.domain = r.domain
     WHERE r.ready_at <= $1 AND NOT r.is_deleted AND NOT r.is_paused
       AND COALESCE(f.process_repeaters, $2)
) ready
 ORDER BY ready.turn, ready.ready_at, ready.id
 LIMIT $3
