package io.repeaterdispatch.core;

/** Why an attempt got no answer from its endpoint; each one is a retryable failure. */
public enum FailureKind {
    /** No answer within the request's timeout. */
    TIMEOUT("timeout"),
    /** Nothing listens at the endpoint's address. */
    CONNECTION_REFUSED("connection refused"),
    /** The outbound URL policy refused the address the endpoint's name resolved to. */
    DENIED_DESTINATION("denied"),
    /** Anything else on the way: DNS, TLS, a reset connection. */
    CONNECTION_ERROR("connection error");

    /** How the attempt's message starts (operators read it in the API and the audit of attempts). */
    public final String label;

    FailureKind(String label) {
        this.label = label;
    }
}
