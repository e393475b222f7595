-- Standard Webhooks signatures (docs/api.md "Signatures"): each repeater's signing secret and
-- whether its deliveries are signed.
--
-- * repeater.signing_enabled: sign deliveries (webhook-id, webhook-timestamp, webhook-signature);
--   true unless the API turned it off ("signing": {"enabled": false}).
-- * repeater.signing_secret: the whsec_ secret, encrypted like auth_secret (security/SecretCipher:
--   v1:<keyId>:<base64>), never stored or shown in the clear.
-- * repeater.signing_previous_secret / signing_previous_valid_until: the secret a rotation replaced
--   (encrypted the same way), still sent beside the new one until then (dispatch.signing.rotation-overlap).
-- * repeater.signing_rotated_at: when the secret was last rotated (NULL: never).
--
-- Existing repeaters get no secret here: it must be encrypted with the service's key, which SQL
-- never sees (pgcrypto could make the random bytes, not the AES-GCM value under our key). The
-- service generates one the first time a claim finds a repeater without one
-- (security/SigningSecrets.fillMissing; the deliveries of that claim go unsigned); an operator
-- learns it by rotating it.
--
-- Safe with older replicas still running: constant defaults are catalog-only (no rewrite of
-- repeater), the CHECK is verified by one read under the ALTER's brief lock, and older replicas name
-- the columns they read and write. Repeaters they create meanwhile have no secret until their first
-- claim by a new replica.

ALTER TABLE repeater
  ADD COLUMN signing_enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN signing_secret text,
  ADD COLUMN signing_previous_secret text,
  ADD COLUMN signing_previous_valid_until timestamptz,
  ADD COLUMN signing_rotated_at timestamptz,
  ADD CONSTRAINT repeater_signing_previous_check
      CHECK ((signing_previous_secret IS NULL) = (signing_previous_valid_until IS NULL));
