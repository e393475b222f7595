package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.service.ApiException.FieldError;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Event type names and a repeater's subscriptions to them (docs/api.md, "Fan-out by event type").
 * A name is dot-separated segments of letters, digits, '_' and '-' ({@code case.created}); a
 * subscription is a name, or a prefix ending in {@code .*} ({@code case.*}: {@code case.created},
 * {@code case.x.y}, not {@code case}). No subscription at all means every event type. The match
 * itself runs in SQL (sql/fanout.sql).
 */
public final class EventTypes {

    public static final int MAX_LENGTH = 200;
    public static final int MAX_SUBSCRIPTIONS = 100;
    static final String RULE = "1-" + MAX_LENGTH + " characters: letters, digits, '_' and '-' in segments separated by single dots";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final String PREFIX_SUFFIX = ".*";

    private EventTypes() {
    }

    /** Whether {@code type} is a valid event type name (what an event carries). */
    static boolean isName(String type) {
        return type != null && type.length() <= MAX_LENGTH && NAME.matcher(type).matches();
    }

    /** Adds a problem naming {@code field} for every invalid entry (at most one per entry), or for the list itself. */
    static void checkSubscriptions(String field, List<String> subscriptions, List<FieldError> errors) {
        if (subscriptions == null) {
            return;
        }
        if (subscriptions.size() > MAX_SUBSCRIPTIONS) {
            errors.add(new FieldError(field, "at most " + MAX_SUBSCRIPTIONS + " entries; [] subscribes to every event type"));
            return;
        }
        for (int i = 0; i < subscriptions.size(); i++) {
            String entry = subscriptions.get(i);
            if (!isSubscription(entry)) {
                errors.add(new FieldError(field + "[" + i + "]", "an event type (" + RULE + ") or a prefix of one ending in '.*'"
                        + " (\"case.*\"); [] subscribes to every event type"));
            }
        }
    }

    private static boolean isSubscription(String entry) {
        if (entry == null || entry.length() > MAX_LENGTH) {
            return false;
        }
        return isName(entry.endsWith(PREFIX_SUFFIX) ? entry.substring(0, entry.length() - PREFIX_SUFFIX.length()) : entry);
    }

    /** As stored and shown: each entry once, sorted; null (absent, or cleared) is every event type. */
    static String[] column(List<String> subscriptions) {
        return subscriptions == null ? new String[0]
                : new TreeSet<>(subscriptions.stream().filter(Objects::nonNull).toList()).toArray(String[]::new);
    }

    /** The stored subscriptions as the API shows them. */
    static List<String> view(String[] stored) {
        return stored == null ? List.of() : List.of(stored);
    }
}
