-- A database as version 7 of the schema left it (everything in repeat_record, attempts with a
-- foreign key to it), holding one record in every state with its attempts: what
-- MigrationInPlaceTest upgrades. One repeater, paused so that nothing is sent before the test
-- points it at its receiver; ids 1..8 in the order below.
INSERT INTO repeater (domain, name, url, is_paused, created_at, updated_at)
VALUES ('upgrade', 'before V8', 'http://127.0.0.1:9/unused', true, now() - interval '300 days', now() - interval '300 days');

INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check, attempt_count,
                           claim_token, updated_at)
VALUES ('upgrade', 1, 'pending',        '{"n": 1}', 1,  now() - interval '1 hour',   now() - interval '1 minute',  0, NULL,
        now() - interval '1 hour'),
       ('upgrade', 1, 'failed',         '{"n": 2}', 2,  now() - interval '2 hours',  now() - interval '1 minute',  1, NULL,
        now() - interval '30 minutes'),
       -- claimed by a replica that stopped before the upgrade: its lease has ended
       ('upgrade', 1, 'failed-claimed', '{"n": 3}', 2,  now() - interval '2 hours',  now() - interval '10 seconds', 1,
        gen_random_uuid(), now() - interval '30 minutes'),
       ('upgrade', 1, 'succeeded',      '{"n": 4}', 4,  now() - interval '3 days',   NULL, 1, NULL, now() - interval '3 days'),
       -- older than any day partition the migration creates
       ('upgrade', 1, 'succeeded-old',  '{"n": 5}', 4,  now() - interval '200 days', NULL, 1, NULL, now() - interval '200 days'),
       ('upgrade', 1, 'cancelled',      '{"n": 6}', 8,  now() - interval '10 days',  NULL, 6, NULL, now() - interval '9 days'),
       ('upgrade', 1, 'empty',          '{"n": 7}', 16, now() - interval '5 days',   NULL, 1, NULL, now() - interval '5 days'),
       ('upgrade', 1, 'invalid',        '{"n": 8}', 32, now() - interval '4 days',   NULL, 1, NULL, now() - interval '4 days');

INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
VALUES (2, 2, 503, 'down', 12, now() - interval '30 minutes'),
       (3, 2, 503, 'down', 12, now() - interval '30 minutes'),
       (4, 4, 200, 'ok', 10, now() - interval '3 days'),
       (5, 4, 200, 'ok', 10, now() - interval '200 days'),
       (7, 16, 204, '', 9, now() - interval '5 days'),
       (8, 32, 422, 'bad payload', 11, now() - interval '4 days');
INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
SELECT 6, 2, 500, 'error ' || g, 15, now() - interval '10 days' + g * interval '1 hour' FROM generate_series(1, 6) g;

-- The audit trail (partitioned by month from V10): this month's entry, and one older than the
-- twelve months the migration creates partitions for.
INSERT INTO admin_audit (at, actor, action, target, detail)
VALUES (now() - interval '400 days', 'ops', 'repeater.create', 'repeater/1', '{"old": true}'),
       (now() - interval '1 minute', 'ops', 'repeater.update', 'repeater/1', '{"paused": true}');
