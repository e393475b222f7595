package io.repeaterdispatch.admin;

/** Path ids: anything that is not a positive number names nothing, so it is a 404 like an unknown id. */
final class Ids {

    private Ids() {
    }

    static long parse(String raw, String what) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through
        }
        throw ApiException.notFound(what, "'" + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "'");
    }
}
