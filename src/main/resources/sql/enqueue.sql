WITH queued AS (
    INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, content_type, state, registered_at, next_check, traceparent)
    SELECT r.domain, r.id, t.payload_id, t.payload, 'application/json', {{PENDING}}, $4, $4, $7::text
      FROM repeater r, unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(payload_id, payload, ord)
     WHERE r.id = $1 AND NOT r.is_deleted
     ORDER BY t.ord
    RETURNING id
), audited AS (
    INSERT INTO admin_audit (at, actor, action, target, detail)
    SELECT $4, $5, 'records.enqueue', 'repeater/' || $1,
           jsonb_build_object('records', count(*), 'firstRecordId', min(id), 'lastRecordId', max(id))
           || CASE WHEN $6::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('idempotencyKey', $6::text) END
      FROM queued HAVING count(*) > 0
)
SELECT id FROM queued
