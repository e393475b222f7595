package io.repeaterdispatch.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.time.Duration;
import java.util.Map;

/**
 * One application start shared by the tests of limits that the default test profile never reaches:
 * a process bound of {@link #MAX_IN_FLIGHT} requests, a lock TTL of {@link #LOCK_TTL} and a claim
 * lease of {@link #CLAIM_LEASE} (so a held batch outlives both within seconds), and the tick an hour away, so nothing these tests wait for can
 * come from the tick: only from the loop's own wake-ups and the enqueue notifications.
 */
public class TightLimitsProfile implements QuarkusTestProfile {

    public static final int MAX_IN_FLIGHT = 6;
    public static final Duration LOCK_TTL = Duration.ofSeconds(2);
    public static final Duration CLAIM_LEASE = Duration.ofSeconds(3);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "dispatch.tick", "1h",
                "dispatch.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
                "dispatch.lock.ttl", LOCK_TTL.toMillis() + "ms",
                "dispatch.claim-lease", CLAIM_LEASE.toMillis() + "ms");
    }
}
