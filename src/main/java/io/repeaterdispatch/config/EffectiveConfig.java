package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Effective prod-profile values outside the running service, for scripts and tests: the
 * environment and system properties over application.properties over the mappings' @WithDefault.
 * Scripts print keys with {@link #main} instead of parsing application.properties:
 * {@code java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*" io.repeaterdispatch.config.EffectiveConfig dispatch.ready-query-limit}.
 */
public final class EffectiveConfig {

    /** The service's own @ConfigMapping interfaces. */
    public static final List<Class<?>> MAPPINGS = List.of(DispatchConfig.class, AdminConfig.class, SecretsConfig.class,
            UrlPolicyConfig.class);

    private EffectiveConfig() {
    }

    public static void main(String[] keys) {
        SmallRyeConfig config = fromEnvironment();
        Map<String, String> defaults = mappedDefaults();
        for (String key : keys) {
            System.out.println(value(config, defaults, key)
                    .orElseThrow(() -> new IllegalArgumentException("no value for " + key)));
        }
    }

    /** A key's value in {@code config}, else its mapping default; empty when neither sets one. */
    public static Optional<String> value(SmallRyeConfig config, Map<String, String> mappedDefaults, String key) {
        return config.getOptionalValue(key, String.class).or(() -> Optional.ofNullable(mappedDefaults.get(key)));
    }

    private static SmallRyeConfig fromEnvironment() {
        try {
            return new SmallRyeConfigBuilder()
                    .addDefaultInterceptors()
                    .addSystemSources()
                    .withSources(new PropertiesConfigSource(EffectiveConfig.class.getResource("/application.properties"), 250))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every leaf key of the mappings (nested groups recursed) with its @WithDefault; keys without one are absent. */
    public static Map<String, String> mappedDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Class<?> mapping : MAPPINGS) {
            leaves(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), defaults);
        }
        return defaults;
    }

    /** Every leaf key of the mappings, with or without a default. */
    public static List<String> mappedKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Class<?> mapping : MAPPINGS) {
            leavesWithAbsent(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), keys);
        }
        return List.copyOf(keys.keySet());
    }

    private static void leaves(Class<?> type, String prefix, Map<String, String> out) {
        Map<String, String> all = new LinkedHashMap<>();
        leavesWithAbsent(type, prefix, all);
        all.forEach((key, value) -> {
            if (value != null) {
                out.put(key, value);
            }
        });
    }

    private static void leavesWithAbsent(Class<?> type, String prefix, Map<String, String> out) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String key = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getEnclosingClass() == type) {
                leavesWithAbsent(returned, key, out);
            } else {
                WithDefault withDefault = method.getAnnotation(WithDefault.class);
                out.put(key, withDefault == null ? null : withDefault.value());
            }
        }
    }
}
