package io.repeaterdispatch.store;

import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.core.StatusPolicy;
import io.repeaterdispatch.security.SecretCipher;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;

/** Reads the repeater columns every claim statement returns into an {@link Endpoint}. */
@ApplicationScoped
class EndpointRows {

    static final String COLUMNS = "r.id AS repeater_id, r.domain, r.url, r.http_method, r.headers, r.auth_type, "
            + "r.auth_username, r.auth_secret, r.timeout_ms, r.last_attempt_at, r.retry_status_codes, r.invalid_status_codes";

    private final HeadersColumn headers;
    private final SecretCipher cipher;

    EndpointRows(HeadersColumn headers, SecretCipher cipher) {
        this.headers = headers;
        this.cipher = cipher;
    }

    /** Decrypts the secret here, on the event loop: AES-GCM of a few bytes costs microseconds. */
    Endpoint endpoint(Row row) {
        return new Endpoint(row.getLong("repeater_id"), row.getString("domain"), row.getString("url"),
                row.getString("http_method"), headers.read(row.getString("headers")), AuthType.ofColumn(row.getString("auth_type")),
                row.getString("auth_username"), cipher.decrypt(row.getString("auth_secret")), row.getInteger("timeout_ms"),
                statusPolicy(row));
    }

    /** Nearly every repeater has none: both arrays empty, no set built. */
    private static StatusPolicy statusPolicy(Row row) {
        Short[] retry = row.getArrayOfShorts("retry_status_codes");
        Short[] invalid = row.getArrayOfShorts("invalid_status_codes");
        return StatusPolicy.of(retry == null ? List.of() : Arrays.asList(retry), invalid == null ? List.of() : Arrays.asList(invalid));
    }

    ClaimedRecord record(Row row) {
        return new ClaimedRecord(row.getLong("record_id"), row.getString("payload_id"), row.getString("payload"),
                row.getString("content_type"), row.getInteger("attempt_count"));
    }
}
