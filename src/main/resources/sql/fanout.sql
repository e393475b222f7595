-- One fan-out call (POST /api/v1/domains/{domain}/events): every event ($2 event types, $3 payload
-- ids, $4 payloads, in input order) queued once for each repeater of domain $1 that subscribes to
-- its type, all in this one statement, at $5, with its audit row (actor $6, Idempotency-Key $7 or
-- NULL) and, with a key, the key's row ($9: the request's hash, hex). Nothing at all is written
-- when the records would be more than $8 (admin.fan-out.max-records): the caller gets a 413. $10: the
-- records' W3C traceparent or NULL (docs/operations.md "Tracing").
--
-- Subscribers: not deleted (paused ones take records, which wait for their resume, as the
-- per-repeater enqueue does). A repeater's event_types ('{}' = every type) match a type by name,
-- or by prefix for an entry ending in ".*" ("case.*" takes "case.created" and "case.x.y", not
-- "case"). The match is worked out once per repeater and distinct type, not per event.
--
-- Answers one row per record (matched = how many records the events make; id, repeater_id), or a
-- single row with NULL id when nothing was queued (no subscriber, or over the cap).
WITH event AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(event_type, payload_id, payload, ord)
), subscriber AS (
    SELECT r.id AS repeater_id, t.event_type
      FROM repeater r
      JOIN (SELECT DISTINCT event_type FROM event) t
        ON cardinality(r.event_types) = 0
        OR t.event_type = ANY (r.event_types)
        OR EXISTS (SELECT 1 FROM unnest(r.event_types) AS s(pattern)
                    WHERE right(s.pattern, 2) = '.*' AND starts_with(t.event_type, left(s.pattern, -1)))
     WHERE r.domain = $1 AND NOT r.is_deleted
       -- a disabled endpoint (V17: gone, or failing for days) takes no new events until resumed
       AND NOT (r.disabled_at IS NOT NULL AND r.is_paused)
), matched AS (
    SELECT s.repeater_id, e.ord FROM subscriber s JOIN event e USING (event_type)
), total AS (
    SELECT count(*) AS records, count(*) <= $8::bigint AS within_cap FROM matched
), queued AS (
    INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, content_type, state, registered_at, next_check, event_type,
                               traceparent)
    SELECT $1, m.repeater_id, e.payload_id, e.payload, 'application/json', {{PENDING}}, $5, $5, e.event_type, $10::text
      FROM matched m JOIN event e USING (ord)
     WHERE (SELECT within_cap FROM total)
     ORDER BY m.repeater_id, m.ord
    RETURNING id, repeater_id
), audited AS (
    INSERT INTO admin_audit (at, actor, action, target, detail)
    SELECT $5, $6, 'events.fan-out', 'domain/' || $1,
           jsonb_build_object('events', cardinality($2::text[]), 'records', count(*), 'repeaters', count(DISTINCT repeater_id),
                              'firstRecordId', min(id), 'lastRecordId', max(id))
           || CASE WHEN $7::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('idempotencyKey', $7::text) END
      FROM queued
    HAVING (SELECT within_cap FROM total)
), remembered AS (
    INSERT INTO idempotency_key (domain, key, request_hash, record_ids, repeater_ids, created_at)
    SELECT $1, $7, decode($9::text, 'hex'), coalesce(array_agg(id ORDER BY id), '{}'), coalesce(array_agg(repeater_id ORDER BY id), '{}'), $5
      FROM queued
    HAVING $7::text IS NOT NULL AND (SELECT within_cap FROM total)
)
SELECT t.records AS matched, q.id, q.repeater_id FROM total t LEFT JOIN queued q ON true
