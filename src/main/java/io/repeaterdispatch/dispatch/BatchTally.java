package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;

import java.util.List;

/** A batch's answers by outcome, counted once for its log line and its span: empty counts as succeeded. */
record BatchTally(int succeeded, int failed, int invalid) {

    static BatchTally of(List<DeliveryResult> results) {
        int succeeded = 0, failed = 0, invalid = 0;
        for (DeliveryResult result : results) {
            switch (result.outcome()) {
                case SUCCEEDED, EMPTY -> succeeded++;
                case INVALID_PAYLOAD -> invalid++;
                default -> failed++;
            }
        }
        return new BatchTally(succeeded, failed, invalid);
    }
}
