package io.repeaterdispatch.lock;

/**
 * What a finished turn tells Redis along with releasing its lock.
 *
 * @param remoteMs        time spent waiting on the endpoint, charged to the domain's budget
 * @param concurrency     the repeater's new concurrency, {@link #UNCHANGED} or {@link #BACK_TO_MAX}
 * @param throttledAtRate when the endpoint answered 429: the send rate the turn saw (requests/s), else null
 * @param answered        requests the endpoint answered (neither failed nor 429): what it takes, for a learned rate
 */
public record TurnReport(long remoteMs, int concurrency, Double throttledAtRate, int answered) {

    public static final int UNCHANGED = 0;
    public static final int BACK_TO_MAX = -1;
    public static final TurnReport NOTHING = new TurnReport(0, UNCHANGED, null, 0);
}
