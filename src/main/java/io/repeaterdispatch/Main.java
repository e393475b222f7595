package io.repeaterdispatch;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import sun.misc.Signal;

/**
 * The packaged application's entry point: Quarkus as usual, except that SIGTERM asks Quarkus to
 * exit with status 0. With the JVM's own handler a SIGTERM ends the process with 143 (128 + 15)
 * even after a clean, drained shutdown, and Kubernetes and process supervisors report that as a
 * failure. The shutdown itself is the same either way: ShutdownEvent, dispatch drain
 * (dispatch.ShutdownDrain), then the pools and clients close.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        // Replaces the JVM's default TERM handler, which would start the shutdown hooks and exit 143.
        Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        Quarkus.run(args);
    }
}
