package io.repeaterdispatch.store;

import java.util.Optional;

/**
 * One repeater's answer from a grouped claim: its claim, nothing claimable, or the error reading
 * its rows (an undecryptable secret, say), which fails that repeater's turn alone, not the others'
 * in the same statement.
 */
public record ClaimAnswer(Optional<Claim> claim, RuntimeException failure) {

    static ClaimAnswer of(Optional<Claim> claim) {
        return new ClaimAnswer(claim, null);
    }

    static ClaimAnswer failed(RuntimeException failure) {
        return new ClaimAnswer(Optional.empty(), failure);
    }

    /** The claim (or empty), or the error reading it thrown. */
    public Optional<Claim> orThrow() {
        if (failure != null) {
            throw failure;
        }
        return claim;
    }
}
