package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import java.util.regex.Pattern;

/**
 * Path ids: anything that is not a positive number names nothing, so it is a 404 like an unknown id.
 * Only the id's one spelling counts: Long.parseLong would also take "+7", "007" and non-ASCII
 * digits ("７"), so a check or log keyed on the id's text could be sidestepped by an alias.
 */
final class Ids {

    private static final Pattern CANONICAL = Pattern.compile("[1-9][0-9]{0,18}");

    private Ids() {
    }

    static long parse(String raw, String what) {
        if (CANONICAL.matcher(raw).matches()) {
            try {
                return Long.parseLong(raw);
            } catch (NumberFormatException overflow) {
                // 19 digits above Long.MAX_VALUE: falls through
            }
        }
        throw ApiException.notFound(what, "'" + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "'");
    }
}
