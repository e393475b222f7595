-- A repeater's name is unique within its domain among the repeaters that are not deleted: two
-- live "crm" repeaters in one domain cannot be told apart in a list, an audit entry or the web
-- console. The API answers a second one with 409 (create, or a PATCH that renames); this index is
-- what holds under concurrent calls. Deleted repeaters stay readable with their names, and a name
-- is free again once its repeater is deleted.
--
-- Existing duplicates (made before this version) would stop the index: the oldest of each
-- (domain, name) group (lowest id) keeps the name, and every other live one is renamed
-- "<name> [duplicate #<id>]" (cut to fit 255 characters), with an audit entry per rename
-- (actor "migration", action repeater.update), so operators can see what changed and rename them.
--
-- Safe with older replicas still running: a rename touches the name alone, and the index build
-- locks writes to repeater for as long as it takes to read the table (repeaters are few; the
-- dispatch hot path does not write them on success). An older replica answers a duplicate
-- create with 500 instead of 409 until it is replaced; nothing is stored either way.

WITH ranked AS (
    SELECT id, name, row_number() OVER (PARTITION BY domain, name ORDER BY id) AS nth
      FROM repeater
     WHERE NOT is_deleted
), renamed AS (
    UPDATE repeater r
       SET name = left(ranked.name, 255 - length(' [duplicate #' || r.id || ']')) || ' [duplicate #' || r.id || ']',
           updated_at = now()
      FROM ranked
     WHERE ranked.id = r.id AND ranked.nth > 1
 RETURNING r.id, ranked.name AS before, r.name AS after
)
INSERT INTO admin_audit (at, actor, action, target, detail)
SELECT now(), 'migration', 'repeater.update', 'repeater/' || id,
       jsonb_build_object('before', jsonb_build_object('name', before),
                          'after', jsonb_build_object('name', after),
                          'reason', 'V20: another repeater of the domain has this name (names are unique per domain)')
  FROM renamed;

CREATE UNIQUE INDEX repeater_domain_name_live_key ON repeater (domain, name) WHERE NOT is_deleted;
