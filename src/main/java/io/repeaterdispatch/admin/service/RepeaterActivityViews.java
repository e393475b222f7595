package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.repository.RepeaterRepository;
import io.repeaterdispatch.core.RecordState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link RepeaterActivity} from the repository's rows. */
final class RepeaterActivityViews {

    /** The states an attempt can end in, in the order the API lists them. */
    private static final List<RecordState> ATTEMPT_STATES =
            List.of(RecordState.SUCCEEDED, RecordState.EMPTY, RecordState.FAILED, RecordState.INVALID_PAYLOAD);

    private RepeaterActivityViews() {
    }

    static RepeaterActivity of(long repeaterId, Instant since, List<RepeaterRepository.ActivityRow> rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        ATTEMPT_STATES.forEach(s -> counts.put(s.apiName(), 0L));
        RepeaterActivity.LastAttempt last = null;
        boolean complete = true;
        for (RepeaterRepository.ActivityRow row : rows) {
            switch (row.kind()) {
                case "count" -> counts.merge(RecordState.of(row.state()).apiName(), row.n(), Long::sum);
                case "last" -> last = new RepeaterActivity.LastAttempt(RecordState.of(row.state()).apiName(), row.httpStatus(), row.at());
                default -> complete &= row.n() < RepeaterRepository.ACTIVITY_CAP;
            }
        }
        return new RepeaterActivity(repeaterId, since, counts, last, complete);
    }
}
