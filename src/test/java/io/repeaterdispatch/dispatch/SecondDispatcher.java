package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.lock.RedisAvailability;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.store.ClaimGroups;
import io.repeaterdispatch.store.ReadyRepeaterQuery;
import io.repeaterdispatch.store.RecordClaims;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Builds a second dispatch loop beside the application's, as another replica would run it: its
 * own delivery slots, slow marks, claim groups, held claims and rotation, sharing only what
 * replicas share (PostgreSQL, Redis, the endpoints) and the test's events. Tests must stop it and
 * wait for its turns to end, since the next test's wait for an idle dispatcher cannot see them.
 */
@ApplicationScoped
class SecondDispatcher {

    private final ReadyRepeaterQuery readyQuery;
    private final RepeaterLock lock;
    private final RecordClaims claims;
    private final HttpSender sender;
    private final OutcomeRecorder recorder;
    private final DispatchConfig config;
    private final RedisAvailability redis;
    private final DeliveryLimits limits;
    private final DispatchEvents events;
    private final DispatchClock clock;
    private final Vertx vertx;

    SecondDispatcher(ReadyRepeaterQuery readyQuery, RepeaterLock lock, RecordClaims claims, HttpSender sender, OutcomeRecorder recorder,
                     DispatchConfig config, RedisAvailability redis, DeliveryLimits limits, DispatchEvents events, DispatchClock clock,
                     Vertx vertx) {
        this.readyQuery = readyQuery;
        this.lock = lock;
        this.claims = claims;
        this.sender = sender;
        this.recorder = recorder;
        this.config = config;
        this.redis = redis;
        this.limits = limits;
        this.events = events;
        this.clock = clock;
        this.vertx = vertx;
    }

    RepeaterDispatchLoop create() {
        DeliverySlots slots = new DeliverySlots(config);
        SlowRepeaters slow = new SlowRepeaters(config);
        RepeaterBatchRunner runner = new RepeaterBatchRunner(lock, new ClaimGroups(claims, clock), sender, recorder, slots, events, slow,
                clock, config, new HeldClaims(), limits, DeliveryTracing.OFF);
        return new RepeaterDispatchLoop(readyQuery, runner, slots, events, redis, slow, clock, config, vertx);
    }
}
