SELECT ready.id, ready.domain, ready.batch_size FROM (
    SELECT w.id, w.domain, w.batch_size, w.ready_at,
           row_number() OVER (PARTITION BY w.domain COLLATE "C" ORDER BY w.ready_at, w.id) AS turn
      FROM (
        -- The longest-waiting ready repeaters, in the partial index's own order: the cost follows
        -- this window (four pages), not every ready repeater. A repeater just served has moved
        -- behind all of them (last_batch_at), so every ready repeater reaches the window.
        SELECT r.id, r.domain, r.batch_size, r.ready_at
          FROM repeater r
          LEFT JOIN domain_flag f ON f.domain = r.domain
         WHERE r.ready_at <= $1 AND NOT r.is_deleted AND NOT r.is_paused
           AND COALESCE(f.process_repeaters, $2)
         ORDER BY r.ready_at, r.id
         LIMIT $3 * 4
      ) w
) ready
 ORDER BY ready.turn, ready.ready_at, ready.id
 LIMIT $3
