package io.repeaterdispatch.admin.web;

import jakarta.ws.rs.core.SecurityContext;

/** The calling token's name, as the audit trail records it (admin.auth.BearerTokenFilter sets the principal). */
final class Callers {

    private Callers() {
    }

    static String name(SecurityContext who) {
        return who == null || who.getUserPrincipal() == null ? "unknown" : who.getUserPrincipal().getName();
    }
}
