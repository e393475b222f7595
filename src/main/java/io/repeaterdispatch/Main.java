package io.repeaterdispatch;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import sun.misc.Signal;

/**
 * The packaged application's entry point: Quarkus as usual, except that SIGTERM asks Quarkus to
 * exit with status 0. With the JVM's own handler a SIGTERM ends the process with 143 (128 + 15)
 * even after a clean, drained shutdown, and Kubernetes and process supervisors report that as a
 * failure. The shutdown itself is the same either way: ShutdownEvent, dispatch drain
 * (dispatch.ShutdownDrain), then the pools and clients close.
 * <p>
 * Not in dev mode ({@code ./mvnw quarkus:dev}): there an exit only stops the application and the
 * dev-mode JVM waits for a restart, so a SIGTERM (which Maven passes on to it when it gets one)
 * would leave the JVM and port 8080 behind. There the JVM exits as its own handler would (the
 * shutdown hooks stop the application). The launch mode is read when the signal comes: the
 * generated application sets it inside {@code Quarkus.run}.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        // Replaces the JVM's default TERM handler, which would start the shutdown hooks and exit 143.
        Signal.handle(new Signal("TERM"), signal -> {
            if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
                System.exit(128 + 15);
            } else {
                Quarkus.asyncExit(0);
            }
        });
        Quarkus.run(args);
    }
}
