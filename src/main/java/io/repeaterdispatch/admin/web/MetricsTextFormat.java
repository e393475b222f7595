package io.repeaterdispatch.admin.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /q/metrics} answers the Prometheus text format (0.0.4) unless the caller asks for
 * OpenMetrics alone. Quarkus answers OpenMetrics to any Accept without {@code text/plain}, so a
 * plain {@code curl} (Accept: *&#47;*) got OpenMetrics, which the classic text parser
 * ({@code promtool check metrics}, most scrapers' fallback) reads wrongly: its {@code \"} escapes in
 * HELP are invalid there, and each counter's {@code _total} samples come out as a family of their
 * own, untyped and without help. Prometheus itself asks for both and already got this format
 * (docs/operations.md, "Metrics").
 */
@ApplicationScoped
public class MetricsTextFormat {

    static final String PATH = "/q/metrics";
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            if (PATH.equals(rc.normalizedPath())) {
                String accept = rc.request().getHeader("Accept");
                if (accept == null || !accept.contains("application/openmetrics-text")) {
                    rc.request().headers().set("Accept", TEXT_004);
                }
            }
            rc.next();
        }, 100);
    }
}
