package io.repeaterdispatch.admin.web;

import io.prometheus.client.exemplars.ExemplarSampler;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The Prometheus registry samples no exemplars. With OpenTelemetry on the classpath Quarkus gives it
 * an exemplar sampler that looks up the current trace on every counter increment and timer record,
 * tracing on or off; that lookup allocated about 6 % of the service's memory under load (bench
 * scenario 9, JFR). The exemplars would only show in OpenMetrics, which {@link MetricsTextFormat}
 * serves to a caller that asks for nothing else; traces and metrics still meet on labels
 * (repeater, domain) and time.
 */
@Singleton
public class NoMetricExemplars {

    @Produces
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> none() {
        return Optional.empty();
    }
}
