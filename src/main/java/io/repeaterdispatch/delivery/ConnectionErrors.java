package io.repeaterdispatch.delivery;

import org.jboss.logging.Logger;

/**
 * Errors on an outbound connection (reset, broken pipe, TLS alert). The request on it fails with
 * the same error, which becomes the attempt's recorded outcome, so here they only go to DEBUG.
 */
final class ConnectionErrors {

    private static final Logger LOG = Logger.getLogger(ConnectionErrors.class);

    private ConnectionErrors() {
    }

    static void seen(Throwable error) {
        LOG.debugf("outbound connection error: %s", error.toString());
    }
}
