package io.repeaterdispatch.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/** The repeater's extra request headers, stored as a JSON object of strings in {@code repeater.headers}. */
@ApplicationScoped
public class HeadersColumn {

    private static final Logger LOG = Logger.getLogger(HeadersColumn.class);
    private static final TypeReference<LinkedHashMap<String, String>> TYPE = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final ObjectReader reader;

    public HeadersColumn(ObjectMapper json) {
        this.json = json;
        this.reader = json.readerFor(TYPE);
    }

    public String write(Map<String, String> headers) {
        try {
            return json.writeValueAsString(headers == null ? Map.of() : headers);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("headers must be an object of strings", e);
        }
    }

    /**
     * Only the admin API writes the column, after validation, so an unreadable value means the row
     * was changed by hand: it reads as no headers, with a warning (naming the error, never the
     * value, which may hold API keys). Read for every claimed batch, hence the shortcut for the
     * common "no extra headers".
     */
    public Map<String, String> read(String value) {
        if (value == null || value.isBlank() || value.equals("{}")) {
            return Map.of();
        }
        try {
            return reader.readValue(value);
        } catch (JsonProcessingException e) {
            LOG.warnf("repeater.headers is not a JSON object of strings (%s): sending without extra headers",
                    e.getClass().getSimpleName()); // Jackson's message may quote the value
            return Map.of();
        }
    }
}
