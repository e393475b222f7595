package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RepeaterDisabled;
import io.repeaterdispatch.store.ReadyRepeater;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Fans dispatch events out to the registered listeners; a failing listener never breaks dispatch. */
@ApplicationScoped
public class DispatchEvents implements DispatchListener {

    private static final Logger LOG = Logger.getLogger(DispatchEvents.class);

    private final List<DispatchListener> listeners = new CopyOnWriteArrayList<>();

    public DispatchEvents(DispatchMetrics metrics, BacklogGauges backlog) {
        listeners.add(metrics);
        listeners.add(backlog);
    }

    public void register(DispatchListener listener) {
        listeners.add(listener);
    }

    public void unregister(DispatchListener listener) {
        listeners.remove(listener);
    }

    private void each(Consumer<DispatchListener> event) {
        for (DispatchListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("dispatch listener failed", e);
            }
        }
    }

    @Override
    public void readyRefreshed(int readyRepeaters) {
        each(l -> l.readyRefreshed(readyRepeaters));
    }

    @Override
    public void turnStarted(ReadyRepeater repeater, int slots) {
        each(l -> l.turnStarted(repeater, slots));
    }

    @Override
    public void lockAcquired(long repeaterId) {
        each(l -> l.lockAcquired(repeaterId));
    }

    @Override
    public void lockSkipped(long repeaterId) {
        each(l -> l.lockSkipped(repeaterId));
    }

    @Override
    public void domainOverBudget(String domain, long waitMs) {
        each(l -> l.domainOverBudget(domain, waitMs));
    }

    @Override
    public void rateLimited(long repeaterId, long waitMs) {
        each(l -> l.rateLimited(repeaterId, waitMs));
    }

    @Override
    public void concurrencyChanged(long repeaterId, String domain, int from, int to, int max) {
        each(l -> l.concurrencyChanged(repeaterId, domain, from, to, max));
    }

    @Override
    public void domainShareReached(String domain) {
        each(l -> l.domainShareReached(domain));
    }

    @Override
    public void requestStarted(Path path) {
        each(l -> l.requestStarted(path));
    }

    @Override
    public void requestEnded(Path path) {
        each(l -> l.requestEnded(path));
    }

    /** The request, reporting its start when subscribed and its end however it ends. */
    public <T> Uni<T> aroundRequest(Path path, Uni<T> request) {
        return Uni.createFrom().deferred(() -> {
            requestStarted(path);
            return request.onTermination().invoke(() -> requestEnded(path));
        });
    }

    @Override
    public void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
        each(l -> l.batchFinished(repeaterId, results, backedOff, nanos));
    }

    @Override
    public void attemptRecorded(Path path, long repeaterId, String domain, DeliveryResult result) {
        each(l -> l.attemptRecorded(path, repeaterId, domain, result));
    }

    @Override
    public void repeaterDisabled(RepeaterDisabled disabled) {
        each(l -> l.repeaterDisabled(disabled));
    }
}
