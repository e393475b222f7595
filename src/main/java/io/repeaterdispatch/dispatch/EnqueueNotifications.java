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
        subscriber.connect().onComplete(connected -> {
            if (connected.failed()) {
                // connect() does not retry a first failure: try again, the tick covers meanwhile
                LOG.warnf("could not listen on %s (%s); retrying", CHANNEL, connected.cause().getMessage());
                vertx.setTimer(RECONNECT_EVERY_MS, t -> retry());
            }
        });
    }

    private void retry() {
        if (subscriber != null && subscriber.closed()) {
            subscriber.connect().onFailure(e -> vertx.setTimer(RECONNECT_EVERY_MS, t -> retry()));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        PgSubscriber s = subscriber;
        subscriber = null;
        if (s != null) {
            s.close();
        }
    }
}
