SELECT (SELECT count(*) FROM repeat_record WHERE state IN ({{QUEUED}}) AND next_check <= $1
                                          AND (lease_until IS NULL OR lease_until <= $1)) AS due_records,
       (SELECT count(*) FROM ({{READY_REPEATERS}}) ready) AS ready_repeaters,
       (SELECT count(*) FROM repeater
         WHERE next_attempt_at > $1 AND NOT is_deleted AND NOT is_paused) AS backed_off_repeaters,
       -- repeater_disabled_idx (migrations/V17): the few disabled rows, not the table
       (SELECT count(*) FROM repeater
         WHERE disabled_at IS NOT NULL AND is_paused AND NOT is_deleted) AS disabled_repeaters
