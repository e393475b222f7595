package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An endpoint that resets every connection fails each attempt with the reset as its outcome, and
 * does not also put an ERROR line per connection in the log (the benchmark's dead-endpoint run
 * logged 100,000 of them).
 */
@QuarkusTest
class DeadConnectionLoggingTest extends IntegrationTest {

    private static final int FAILED = 2;

    @Test
    void aResetConnectionIsTheAttemptsOutcomeNotAnErrorLine() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger vertxConnections = Logger.getLogger("io.vertx.core.net.impl.ConnectionBase");
        vertxConnections.addHandler(capture);
        AtomicInteger resets = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> resetEveryConnection(server, resets), "resetting-endpoint");
            acceptor.setDaemon(true);
            acceptor.start();
            long repeater = createRepeater("acme", "http://127.0.0.1:" + server.getLocalPort() + "/dead", 3);
            enqueue(repeater, 3, "p");

            Await.until("3 failed attempts", () -> count("SELECT count(*) FROM repeat_record_attempt WHERE state = $1", FAILED) == 3);
            assertEquals(3, records(repeater, FAILED));
            assertTrue(resets.get() >= 3, "the endpoint reset " + resets.get() + " connections");
            String message = sql("SELECT message FROM repeat_record_attempt LIMIT 1").get(0).getString("message");
            assertTrue(message.toLowerCase().contains("reset") || message.toLowerCase().contains("closed"), message);
        } finally {
            vertxConnections.removeHandler(capture);
        }
        assertEquals(List.of(), errors.stream().map(LogRecord::getMessage).toList(), "ERROR lines from Vert.x connections");
    }

    /** Reads the request head, then closes with SO_LINGER 0: the client sees a reset, not a clean close. */
    private static void resetEveryConnection(ServerSocket server, AtomicInteger resets) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                int read = in.read(buffer);
                socket.setSoLinger(true, 0);
                if (read > 0) {
                    resets.incrementAndGet();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }
}
