package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.store.Lease;
import io.repeaterdispatch.store.LeaseRenewal;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the leases of this process's records in flight alive: every third of
 * {@code dispatch.claim-lease} one statement pushes all of them to now + the lease. The lease
 * can then be short (a crashed replica's records are due again within one lease) while a slow
 * request, however long its timeout, is never sent a second time because its lease ran out.
 * If renewals fail (the database is unreachable), the claim token still fences the late result
 * write of a record whose lease ended and was claimed again.
 */
@ApplicationScoped
public class LeaseHeartbeat {

    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    private final HeldClaims held;
    private final LeaseRenewal renewal;
    private final DispatchClock clock;
    private final Vertx vertx;
    private final Duration lease;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean failing;
    private long timer = -1;

    public LeaseHeartbeat(HeldClaims held, LeaseRenewal renewal, DispatchClock clock, Vertx vertx, DispatchConfig config) {
        this.held = held;
        this.renewal = renewal;
        this.clock = clock;
        this.vertx = vertx;
        this.lease = config.claimLease();
    }

    /** The renewal period: a third of the lease, so two renewals in a row may fail before a lease ends. */
    public Duration period() {
        return lease.dividedBy(3);
    }

    synchronized void start() {
        if (timer < 0) {
            timer = vertx.setPeriodic(Math.max(1, period().toMillis()), t -> renewNow());
        }
    }

    synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** One renewal of every lease held now; skipped while the previous one still runs. */
    void renewNow() {
        List<Lease> leases = held.snapshot();
        if (leases.isEmpty() || !renewing.compareAndSet(false, true)) {
            return;
        }
        renewal.renew(leases, clock.now().plus(lease))
                .eventually(() -> renewing.set(false))
                .subscribe().with(renewed -> {
                    if (failing) {
                        failing = false;
                        LOG.infof("lease renewal works again: %d records renewed", renewed);
                    }
                }, error -> {
                    if (!failing) {
                        failing = true;
                        LOG.warnf("lease renewal failed (%d records in flight; their leases end %s after the last renewal): %s",
                                leases.size(), lease, error.toString());
                    }
                });
    }
}
