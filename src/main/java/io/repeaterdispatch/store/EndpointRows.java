package io.repeaterdispatch.store;

import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.core.Signing;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.core.StatusPolicy;
import io.repeaterdispatch.security.SecretCipher;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Reads the repeater columns every claim statement returns into an {@link Endpoint}. */
@ApplicationScoped
class EndpointRows {

    static final String COLUMNS = "r.id AS repeater_id, r.domain, r.url, r.http_method, r.headers, r.auth_type, "
            + "r.auth_username, r.auth_secret, r.timeout_ms, r.last_attempt_at, r.retry_status_codes, r.invalid_status_codes, "
            + "r.signing_enabled, r.signing_secret, r.signing_previous_secret, r.signing_previous_valid_until";

    private final HeadersColumn headers;
    private final SecretCipher cipher;
    private final DispatchClock clock;

    EndpointRows(HeadersColumn headers, SecretCipher cipher, DispatchClock clock) {
        this.headers = headers;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Decrypts the secrets here, on the event loop: AES-GCM of a few bytes costs microseconds. */
    Endpoint endpoint(Row row) {
        long repeaterId = row.getLong("repeater_id");
        return new Endpoint(repeaterId, row.getString("domain"), row.getString("url"),
                row.getString("http_method"), headers.read(row.getString("headers")), AuthType.ofColumn(row.getString("auth_type")),
                row.getString("auth_username"), cipher.decrypt(row.getString("auth_secret")), row.getInteger("timeout_ms"),
                statusPolicy(row), signing(repeaterId, row));
    }

    /**
     * Off: nothing is decrypted. The previous secret is decrypted only while its overlap lasts
     * (the sender checks the time again when it signs).
     */
    private Signing signing(long repeaterId, Row row) {
        if (!Boolean.TRUE.equals(row.getBoolean("signing_enabled"))) {
            return Signing.OFF;
        }
        Instant previousValidUntil = Sql.instant(row, "signing_previous_valid_until");
        boolean previousValid = previousValidUntil != null && clock.now().isBefore(previousValidUntil);
        return new Signing(true, signingSecret(repeaterId, row.getString("signing_secret")),
                previousValid ? signingSecret(repeaterId, row.getString("signing_previous_secret")) : null,
                previousValid ? previousValidUntil : null);
    }

    private SigningSecret signingSecret(long repeaterId, String stored) {
        String text = cipher.decrypt(stored);
        if (text == null) {
            return null;
        }
        // decrypted, so written by the service: another format means a bug, not an attack (GCM authenticates)
        return SigningSecret.parse(text).orElseThrow(() ->
                new IllegalStateException("stored signing secret of repeater " + repeaterId + " is not a " + SigningSecret.PREFIX + " value"));
    }

    /** Nearly every repeater has none: both arrays empty, no set built. */
    private static StatusPolicy statusPolicy(Row row) {
        Short[] retry = row.getArrayOfShorts("retry_status_codes");
        Short[] invalid = row.getArrayOfShorts("invalid_status_codes");
        return StatusPolicy.of(retry == null ? List.of() : Arrays.asList(retry), invalid == null ? List.of() : Arrays.asList(invalid));
    }

    ClaimedRecord record(Row row) {
        return new ClaimedRecord(row.getLong("record_id"), row.getString("payload_id"), row.getString("payload"),
                row.getString("content_type"), row.getInteger("attempt_count"), row.getString("traceparent"));
    }
}
