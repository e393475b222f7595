package io.repeaterdispatch.store;

import io.repeaterdispatch.core.RecordState;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hot path's SQL, one statement per file in {@code src/main/resources/sql/<name>.sql}, so the
 * benchmarks run exactly the text the service runs ({@code bench/ready-query.sh} prints it with
 * {@link #main}). Files name record states and shared fragments as {@code {{TOKEN}}}: a state name
 * ({@code {{PENDING}}}), {@code {{QUEUED}}} for the queued states' list, {@code {{ENDPOINT_COLUMNS}}},
 * or another file's name in capitals ({@code {{READY_REPEATERS}}}). Codes are written into the text
 * rather than bound: the partial indexes' predicates only match literal constants.
 */
public final class SqlStatements {

    private static final Pattern TOKEN = Pattern.compile("\\{\\{([A-Z_]+)}}");

    private SqlStatements() {
    }

    /** The statement in {@code sql/<name>.sql}, tokens resolved; fails at class initialisation if anything is missing. */
    public static String load(String name) {
        String text = read(name);
        Matcher m = TOKEN.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(resolved, Matcher.quoteReplacement(token(m.group(1), name)));
        }
        m.appendTail(resolved);
        return resolved.toString().strip();
    }

    private static String token(String token, String inFile) {
        Map<String, String> values = new LinkedHashMap<>();
        for (RecordState state : RecordState.values()) {
            values.put(state.name(), Short.toString(state.code));
        }
        values.put("QUEUED", RecordState.sqlList(RecordState.QUEUED));
        values.put("ENDPOINT_COLUMNS", EndpointRows.COLUMNS);
        String value = values.get(token);
        if (value != null) {
            return value;
        }
        String file = token.toLowerCase().replace('_', '-');
        if (file.equals(inFile)) {
            throw new IllegalStateException("sql/" + inFile + ".sql includes itself");
        }
        return load(file);
    }

    private static String read(String name) {
        try (InputStream in = SqlStatements.class.getResourceAsStream("/sql/" + name + ".sql")) {
            if (in == null) {
                throw new IllegalStateException("no SQL statement sql/" + name + ".sql on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints statements as the service runs them: {@code java -cp target/classes io.repeaterdispatch.store.SqlStatements ready-repeaters}. */
    public static void main(String[] names) {
        for (String name : names) {
            System.out.println(load(name));
        }
    }
}
