package io.repeaterdispatch.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RepeaterDisabled;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.delivery.HttpSender;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Announces each disabled repeater to {@code dispatch.lifecycle.notify-url}, if set: a Standard
 * Webhooks message ({@code {"type": "repeater.disabled", "timestamp", "data": {...}}}) signed with
 * {@code dispatch.lifecycle.notify-secret}, sent through the delivery client and its URL policy.
 * Bounded and apart from dispatch: a few attempts ({@code notify-attempts}, 1 s, 5 s, 25 s … apart)
 * on Vert.x timers, nobody waits for them, and a notification given up is logged, never fatal. The
 * secret is never logged. An announcement is at most once per disable and per replica: lost if the
 * replica stops meanwhile (the audit trail and the metric keep the disable).
 */
@ApplicationScoped
public class OperatorNotifications {

    private static final Logger LOG = Logger.getLogger(OperatorNotifications.class);
    static final String TYPE = "repeater.disabled";

    private final HttpSender sender;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final String url;
    private final SigningSecret secret;
    private final int attempts;
    private final long timeoutMs;

    public OperatorNotifications(HttpSender sender, Vertx vertx, ObjectMapper json, DispatchConfig config) {
        this.sender = sender;
        this.vertx = vertx;
        this.json = json;
        DispatchConfig.Lifecycle lifecycle = config.lifecycle();
        // config.ConfigCheck has refused a URL without a valid secret at start
        this.url = lifecycle.notifyUrl().filter(u -> !u.isBlank()).orElse(null);
        this.secret = url == null ? null : lifecycle.notifySecret().flatMap(SigningSecret::parse).orElse(null);
        this.attempts = lifecycle.notifyAttempts();
        this.timeoutMs = lifecycle.notifyTimeout().toMillis();
    }

    public void announce(RepeaterDisabled disabled) {
        if (url == null || secret == null) {
            return;
        }
        // one id across the attempts of one announcement, so a receiver drops the duplicates
        String messageId = "rd-disabled-" + disabled.repeaterId() + "-" + ChronoUnit.MICROS.between(Instant.EPOCH, disabled.disabledAt());
        String body;
        try {
            body = json.writeValueAsString(message(disabled));
        } catch (JsonProcessingException e) {
            LOG.warnf("operator notification not sent repeater=%d: %s", disabled.repeaterId(), e.toString());
            return;
        }
        attempt(disabled, messageId, body, 1);
    }

    static Map<String, Object> message(RepeaterDisabled disabled) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("repeaterId", disabled.repeaterId());
        data.put("domain", disabled.domain());
        data.put("reason", disabled.reason());
        data.put("disabledAt", disabled.disabledAt().toString());
        data.put("failingSince", disabled.failingSince() == null ? null : disabled.failingSince().toString());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", TYPE);
        message.put("timestamp", disabled.disabledAt().toString());
        message.put("data", data);
        return message;
    }

    private void attempt(RepeaterDisabled disabled, String messageId, String body, int attempt) {
        sender.sendNotification(url, messageId, body, secret, timeoutMs).subscribe().with(result -> {
            if (accepted(result)) {
                LOG.infof("operator notified of disabled repeater repeater=%d domain=%s reason=%s attempt=%d",
                        disabled.repeaterId(), disabled.domain(), disabled.reason(), attempt);
                return;
            }
            String answer = result.httpStatus() != null ? "http_status=" + result.httpStatus() : "error=" + result.failure().label;
            if (attempt >= attempts) {
                LOG.warnf("operator notification given up repeater=%d domain=%s reason=%s attempts=%d %s",
                        disabled.repeaterId(), disabled.domain(), disabled.reason(), attempt, answer);
                return;
            }
            long waitMs = 1_000L * (long) Math.pow(5, attempt - 1);
            LOG.infof("operator notification failed repeater=%d attempt=%d %s; again in %d ms", disabled.repeaterId(), attempt, answer, waitMs);
            vertx.setTimer(waitMs, t -> attempt(disabled, messageId, body, attempt + 1));
        });
    }

    private static boolean accepted(DeliveryResult result) {
        return result.httpStatus() != null && result.httpStatus() >= 200 && result.httpStatus() < 300;
    }
}
