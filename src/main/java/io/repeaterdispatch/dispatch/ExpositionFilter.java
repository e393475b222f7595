package io.repeaterdispatch.dispatch;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes what the libraries register read as Prometheus' conventions want, so that the scrape passes
 * {@code promtool check metrics} (docs/operations.md, "Metrics"; DashboardMetricsTest runs it).
 * Quarkus applies a MeterFilter bean to its registries before any meter is registered.
 * <ul>
 * <li>every meter has a help text: the few registered without one (Netty's allocator, the HTTP
 *     server's active requests) get one;</li>
 * <li>tag names in snake_case: Quarkus' Vert.x client meters ({@code postgresql_*}, {@code redis_*})
 *     have {@code clientName} and {@code clientType}: {@code client_name}, {@code client_type};</li>
 * <li>{@code system.cpu.count}, a gauge whose name ends in {@code _count} (a histogram's suffix), is
 *     {@code system_cpus_available};</li>
 * <li>not exposed: long task timers (Quarkus' open HTTP server and Redis connections with their
 *     age), whose samples ({@code _active_count}, {@code _duration_sum}) the text format cannot place
 *     in their family, so each comes out as a family without help; and {@code process.cpu.time}, in
 *     nanoseconds, not a base unit ({@code process_cpu_usage} stays).</li>
 * </ul>
 */
public class ExpositionFilter {

    static final Map<String, String> HELP = Map.of(
            "http.server.active.requests", "HTTP requests the server is handling now",
            "netty.allocator.memory.used", "Bytes the Netty buffer allocator holds, by memory type",
            "netty.allocator.memory.pinned", "Bytes of the Netty buffer allocator's memory in use by buffers, by memory type",
            "netty.allocator.pooled.arenas", "Arenas of the Netty pooled buffer allocator, by memory type",
            "netty.allocator.pooled.cache.size", "Cache size of the Netty pooled buffer allocator, by cache type",
            "netty.allocator.pooled.chunk.size", "Chunk size of the Netty pooled buffer allocator, in bytes",
            "netty.allocator.pooled.threadlocal.caches", "Thread-local caches of the Netty pooled buffer allocator",
            "netty.eventexecutor.tasks.pending", "Tasks waiting in a Netty event executor's queue");
    static final Map<String, String> RENAMED = Map.of("system.cpu.count", "system.cpus.available");
    static final Set<String> DENIED = Set.of("process.cpu.time");

    @Produces
    @Singleton
    MeterFilter exposition() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getType() == Meter.Type.LONG_TASK_TIMER || DENIED.contains(id.getName())
                        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                boolean help = description == null || description.isBlank();
                String name = RENAMED.getOrDefault(id.getName(), id.getName());
                boolean camel = false;
                for (Tag tag : id.getTagsAsIterable()) {
                    camel |= !tag.getKey().equals(snake(tag.getKey()));
                }
                if (!help && !camel && name.equals(id.getName())) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    tags.add(Tag.of(snake(tag.getKey()), tag.getValue()));
                }
                return new Meter.Id(name, Tags.of(tags), id.getBaseUnit(),
                        help ? HELP.getOrDefault(id.getName(), id.getName() + " (registered without a description)") : description,
                        id.getType());
            }
        };
    }

    /** clientName: client_name. */
    static String snake(String key) {
        StringBuilder out = null;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (out == null) {
                    out = new StringBuilder(key.length() + 4).append(key, 0, i);
                }
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? key : out.toString();
    }
}
