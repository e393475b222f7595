-- Every partition of the time-partitioned table $1, with its bounds as the catalog writes them
-- ("FOR VALUES FROM ('…') TO ('…')", MINVALUE for an open start, DEFAULT for the default one).
SELECT c.relname AS name,
       b.bound = 'DEFAULT' AS is_default,
       substring(b.bound FROM 'FROM \(''([^'']+)''\)')::timestamptz AS from_ts,
       substring(b.bound FROM 'TO \(''([^'']+)''\)')::timestamptz AS to_ts,
       pg_total_relation_size(c.oid) AS bytes
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
 CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
 WHERE i.inhparent = $1::regclass
 ORDER BY to_ts NULLS LAST, c.relname
