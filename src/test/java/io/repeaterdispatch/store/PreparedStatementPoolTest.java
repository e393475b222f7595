package io.repeaterdispatch.store;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool keeps even the hot path's longest statements prepared, so PostgreSQL does not plan them on every call. */
@QuarkusTest
class PreparedStatementPoolTest extends IntegrationTest {

    @Test
    void everyHotPathStatementFitsTheCacheLimit() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/sql"))) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .map(n -> n.substring(0, n.length() - 4)).toList();
        }
        assertTrue(names.contains("record-results"), "statements found: " + names);
        for (String name : names) {
            int length = SqlStatements.load(name).length();
            assertTrue(length < PreparedStatementPool.SQL_LIMIT, name + " is " + length + " characters, over the cache limit");
        }
    }

    @Test
    void aStatementLongerThanTheClientsDefaultLimitStaysPrepared() {
        // longer than the client's default limit of 2,048 characters, like the result write
        String longStatement = "SELECT $1::int /* prepared-statement-pool-test " + "x".repeat(3_000) + " */";
        long kept = pool.withConnection(conn -> conn.preparedQuery(longStatement).execute(Tuple.of(1))
                        .flatMap(x -> conn.query("SELECT count(*) FROM pg_prepared_statements"
                                + " WHERE statement LIKE '%prepared-statement-pool-test%'").execute()))
                .await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
        assertEquals(1, kept, "the long statement is prepared on the connection, not parsed again per call");
    }
}
