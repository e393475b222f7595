package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.DisableSignal;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.StatusPolicy;

/**
 * Maps an HTTP answer to a record state: 2xx succeeded (204 empty); 5xx, 408, 425, 429 and
 * anything not a final answer (1xx/3xx: we do not follow redirects) failed and will be retried;
 * every other 4xx means the endpoint rejected the payload, so retrying would not help. A
 * repeater's {@link StatusPolicy} overrides this for the codes it names.
 * Timeouts and connection errors never reach here: they are FAILED by definition.
 */
public final class OutcomeClassifier {

    private OutcomeClassifier() {
    }

    /** The default classification, for a repeater without a status policy. */
    public static RecordState classify(int status) {
        if (status == 204) {
            return RecordState.EMPTY;
        }
        if (status >= 200 && status < 300) {
            return RecordState.SUCCEEDED;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 425 && status != 429) {
            return RecordState.INVALID_PAYLOAD;
        }
        return RecordState.FAILED;
    }

    /** The repeater's policy first (retry before invalid payload, see StatusPolicy), then the default. */
    public static RecordState classify(int status, StatusPolicy policy) {
        if (policy.retries(status)) {
            return RecordState.FAILED;
        }
        if (policy.rejectsPayload(status)) {
            return RecordState.INVALID_PAYLOAD;
        }
        return classify(status);
    }

    /**
     * Whether an answer asks to disable the repeater, beside its record's outcome: a 410 Gone, unless
     * the repeater's policy retries 410 (that endpoint uses it for something passing); else the
     * header {@code webhook-delivery: disable}, which the result write honours only for a repeater
     * that opted in. Null: it asks nothing.
     */
    public static DisableSignal disableSignal(int status, boolean disableHeader, StatusPolicy policy) {
        if (status == 410 && !policy.retries(410)) {
            return DisableSignal.GONE;
        }
        return disableHeader ? DisableSignal.RECEIVER_REQUESTED : null;
    }

    /** Retry-After is honoured on these answers only. */
    public static boolean honoursRetryAfter(int status) {
        return status == 429 || status == 503;
    }
}
