package io.repeaterdispatch.dispatch;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.repeaterdispatch.config.DispatchConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Listens on PostgreSQL's {@code repeater_dispatch_enqueued} channel (a trigger notifies it on
 * every enqueue, see migrations/V4) and nudges dispatch, so a record enqueued through any replica
 * is picked up by all of them at once rather than on their next tick. One dedicated connection,
 * outside the pool; it reconnects by itself, and every (re)subscription nudges too, to catch up on
 * notifications sent while it was away. The tick stays the safety net.
 */
@ApplicationScoped
public class EnqueueNotifications {

    static final String CHANNEL = "repeater_dispatch_enqueued";
    private static final Logger LOG = Logger.getLogger(EnqueueNotifications.class);
    private static final long RECONNECT_EVERY_MS = 1_000;

    private final Vertx vertx;
    private final DispatchScheduler dispatch;
    private final DispatchConfig config;
    private final PgConnectOptions connectOptions;
    private PgSubscriber subscriber;

    public EnqueueNotifications(Vertx vertx, DispatchScheduler dispatch, DispatchConfig config,
                                @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                                @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                                @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.config = config;
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        // "prefix|name" for Quarkus' Vert.x client metrics: without it the connection's meters have an empty
        // prefix and come out as m__current{clientName="<default>",clientType="sql"} (docs/operations.md, "Metrics")
        options.setMetricsName("postgresql|enqueue-listener");
        this.connectOptions = options;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() || !config.listenForEnqueues()) {
            return;
        }
        subscriber = PgSubscriber.subscriber(vertx, connectOptions).reconnectPolicy(retries -> {
            if (retries == 0) {
                LOG.warnf("lost the %s listener connection; reconnecting every %d ms (dispatch falls back to its tick)",
                        CHANNEL, RECONNECT_EVERY_MS);
            }
            return RECONNECT_EVERY_MS;
        });
        subscriber.channel(CHANNEL)
                .subscribeHandler(subscribed -> dispatch.nudge())
                .handler(payload -> dispatch.nudge());
        connect(true);
    }

    /**
     * A failed first connect leaves PgSubscriber marked open without retrying (its reconnect
     * policy only covers a connection lost later), so close it and try again on a timer.
     */
    private void connect(boolean first) {
        PgSubscriber s = subscriber;
        if (s == null) {
            return;
        }
        s.connect().onFailure(error -> {
            if (first) {
                LOG.warnf("could not listen on %s (%s); retrying every %d ms, the tick covers meanwhile",
                        CHANNEL, error.getMessage(), RECONNECT_EVERY_MS);
            }
            s.close();
            vertx.setTimer(RECONNECT_EVERY_MS, t -> connect(false));
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        PgSubscriber s = subscriber;
        subscriber = null;
        if (s != null) {
            s.close();
        }
    }
}
