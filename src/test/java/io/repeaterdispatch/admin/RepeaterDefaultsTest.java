package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.admin.service.RepeaterDefaults;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A create request's defaults are the schema's column defaults: one meaning, whichever path writes a repeater. */
@QuarkusTest
class RepeaterDefaultsTest extends IntegrationTest {

    @Test
    void serviceDefaultsMatchTheSchema() {
        assertEquals(Map.of("http_method", "'" + RepeaterDefaults.METHOD + "'::text",
                        "timeout_ms", Integer.toString(RepeaterDefaults.TIMEOUT_MS),
                        "batch_size", Integer.toString(RepeaterDefaults.BATCH_SIZE),
                        "signing_enabled", Boolean.toString(RepeaterDefaults.SIGNING_ENABLED)),
                Map.of("http_method", columnDefault("http_method"), "timeout_ms", columnDefault("timeout_ms"),
                        "batch_size", columnDefault("batch_size"), "signing_enabled", columnDefault("signing_enabled")));
    }

    @Test
    void aCreateWithoutOptionalFieldsGetsThem() {
        long id = createRepeater(Map.of("domain", "acme", "name", "defaults", "url", receiver.url("/hook")));
        var row = repeater(id);
        assertEquals(RepeaterDefaults.METHOD, row.getString("http_method"));
        assertEquals(RepeaterDefaults.TIMEOUT_MS, row.getInteger("timeout_ms"));
        assertEquals(RepeaterDefaults.BATCH_SIZE, row.getInteger("batch_size"));
        assertEquals(RepeaterDefaults.SIGNING_ENABLED, row.getBoolean("signing_enabled"));
    }

    private String columnDefault(String column) {
        return sql("SELECT column_default FROM information_schema.columns WHERE table_name = 'repeater' AND column_name = $1", column)
                .get(0).getString(0);
    }
}
