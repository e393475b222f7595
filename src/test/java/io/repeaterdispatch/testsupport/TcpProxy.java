package io.repeaterdispatch.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP forwarder in front of a real server (Redis), so a test can take that server away
 * from the application without touching the shared one: {@link #cut()} closes every connection and
 * stops listening (new connections are refused), {@link #restore()} listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.createNetClient();
    private final String targetHost;
    private final int targetPort;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile NetServer server;
    private volatile int port;

    /** Listens on {@code port} (0: any free one) and forwards to the target. */
    public TcpProxy(int port, String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listen(port);
    }

    /** A port that was free a moment ago, for a proxy that has to be named in configuration before it starts. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public int port() {
        return port;
    }

    /** Closes every forwarded connection and refuses new ones. */
    public void cut() {
        NetServer s = server;
        server = null;
        if (s != null) {
            await(s.close());
        }
        sockets.forEach(NetSocket::close);
        sockets.clear();
    }

    /** Accepts connections again, on the same port. */
    public void restore() {
        if (server == null) {
            listen(port);
        }
    }

    private void listen(int on) {
        NetServer s = vertx.createNetServer().connectHandler(in -> {
            in.pause();
            sockets.add(in);
            client.connect(targetPort, targetHost).onSuccess(out -> {
                sockets.add(out);
                in.closeHandler(v -> out.close());
                out.closeHandler(v -> in.close());
                in.handler(out::write);
                out.handler(in::write);
                in.resume();
            }).onFailure(error -> in.close());
        });
        server = await(s.listen(on, "127.0.0.1"));
        port = server.actualPort();
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("proxy step failed", e);
        }
    }

    @Override
    public void close() {
        cut();
        await(vertx.close());
    }
}
