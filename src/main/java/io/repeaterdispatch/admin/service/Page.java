package io.repeaterdispatch.admin.service;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paginated list. {@code next} is an opaque cursor for the following page
 * (null on the last one); pages never shift when rows are inserted meanwhile, because a cursor
 * names the last key seen rather than an offset.
 */
public record Page<T>(List<T> items, String next) {

    /** @param fetched up to limit + 1 rows in page order: the extra row only says another page exists */
    static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> keyOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(List.copyOf(items), Cursor.encode(keyOf.apply(items.get(limit - 1))));
    }
}
