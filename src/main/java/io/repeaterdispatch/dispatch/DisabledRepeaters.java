package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.RepeaterDisabled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * What follows a disable that a result write committed (store.ResultWriter fires the event; the
 * audit row is already in): a WARN line, the listeners (metrics), and the operator notification.
 * Runs on the event loop that got the write's answer, so nothing here waits.
 */
@ApplicationScoped
public class DisabledRepeaters {

    private static final Logger LOG = Logger.getLogger(DisabledRepeaters.class);

    private final DispatchEvents events;
    private final OperatorNotifications notifications;

    public DisabledRepeaters(DispatchEvents events, OperatorNotifications notifications) {
        this.events = events;
        this.notifications = notifications;
    }

    void onDisabled(@Observes RepeaterDisabled disabled) {
        LOG.warnf("repeater disabled repeater=%d domain=%s reason=%s failing_since=%s: not dispatched until resumed"
                        + " (POST /api/v1/repeaters/%d/resume)",
                disabled.repeaterId(), disabled.domain(), disabled.reason(), disabled.failingSince(), disabled.repeaterId());
        events.repeaterDisabled(disabled);
        notifications.announce(disabled);
    }
}
