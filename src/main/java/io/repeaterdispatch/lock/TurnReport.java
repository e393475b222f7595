package io.repeaterdispatch.lock;

/**
 * What a finished turn tells Redis along with releasing its lock.
 *
 * @param remoteMs        time spent waiting on the endpoint, charged to the domain's budget
 * @param concurrency     a concurrency to drop to, {@link #UNCHANGED} or {@link #GROW} (a whole turn of
 *                        answers at full concurrency: three in a row raise it by one, up to the batch size)
 * @param throttledAtRate when the endpoint answered 429: the send rate the turn saw (requests/s), else null
 * @param answered        requests the endpoint answered (neither failed nor 429): what it takes, for a learned rate
 * @param sent            requests sent (with remoteMs: the repeater's mean request duration)
 */
public record TurnReport(long remoteMs, int concurrency, Double throttledAtRate, int answered, int sent) {

    public static final int UNCHANGED = 0;
    public static final int GROW = -1;
    public static final TurnReport NOTHING = new TurnReport(0, UNCHANGED, null, 0, 0);
}
