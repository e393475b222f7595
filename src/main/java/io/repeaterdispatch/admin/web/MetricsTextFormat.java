package io.repeaterdispatch.admin.web;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * {@code /q/metrics} answers the Prometheus text format (0.0.4) unless the caller asks for
 * OpenMetrics alone (docs/operations.md, "Metrics"). Quarkus answers OpenMetrics to any Accept
 * without {@code text/plain}, so a plain {@code curl} (Accept: *&#47;*) got OpenMetrics, which the
 * classic text parser ({@code promtool check metrics}, most scrapers' fallback) reads wrongly: its
 * {@code \"} escapes in HELP are invalid there, and each counter's {@code _total} samples come out as
 * a family of their own, untyped and without help. Prometheus itself asks for both and gets the text
 * format.
 *
 * <p>The text is the registry's own, with one change: the client library ends every label set with
 * a comma ({@code {path="repeater",}}), which the format allows but which no reader of the samples
 * expects; it is dropped, so a sample reads the same in both formats.
 */
@ApplicationScoped
public class MetricsTextFormat {

    static final String PATH = "/q/metrics";
    static final String OPEN_METRICS = "application/openmetrics-text";

    private final Instance<PrometheusMeterRegistry> registry;

    public MetricsTextFormat(Instance<PrometheusMeterRegistry> registry) {
        this.registry = registry;
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            if (!PATH.equals(rc.normalizedPath()) || !"GET".equals(rc.request().method().name()) || !registry.isResolvable()) {
                rc.next();
                return;
            }
            String accept = rc.request().getHeader("Accept");
            if (accept != null && accept.contains(OPEN_METRICS) && !accept.contains("text/plain")) {
                // OpenMetrics alone (Quarkus' own route, which produces text/plain only, would answer 406)
                rc.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_OPENMETRICS_100)
                        .end(registry.get().scrape(TextFormat.CONTENT_TYPE_OPENMETRICS_100));
                return;
            }
            String text = withoutTrailingCommas(registry.get().scrape(TextFormat.CONTENT_TYPE_004));
            rc.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_004).end(text);
        }, 100);
    }

    /** Each sample line's label set closed without the comma the client library leaves before the brace. */
    static String withoutTrailingCommas(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            if (text.charAt(start) != '#') {
                // a sample's value (after its last space) never holds a brace: the last one closes the label set
                int brace = text.lastIndexOf('}', end - 1);
                if (brace > start && text.charAt(brace - 1) == ',') {
                    out.append(text, start, brace - 1).append(text, brace, end);
                    start = end;
                    continue;
                }
            }
            out.append(text, start, end);
            start = end;
        }
        return out.toString();
    }
}
