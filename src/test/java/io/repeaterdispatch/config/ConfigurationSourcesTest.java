package io.repeaterdispatch.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One source for every default: the @ConfigMapping interfaces' @WithDefault values,
 * application.properties, the table in docs/configuration.md and k8s/configmap.yaml must all
 * agree with the effective configuration of the prod profile (what the packaged jar runs with).
 * Pure: builds the configuration from the files, no server.
 */
class ConfigurationSourcesTest {

    static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Path DOCS = Path.of("docs/configuration.md");
    static final Path CONFIG_MAP = Path.of("k8s/configmap.yaml");
    /** ConfigMap entries that describe the cluster, not defaults (docs/configuration.md says which and why). */
    static final Set<String> DEPLOYMENT_SPECIFIC = Set.of("DB_REACTIVE_URL", "DB_JDBC_URL", "DB_USER", "REDIS_URL",
            "LOG_JSON", "SECRETS_ACTIVE_KEY");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]*)` \\| `([A-Z0-9_]+)` \\|.*\\|$");
    private static final Pattern ENV_REFERENCE = Pattern.compile("^\\$\\{([A-Za-z0-9_]+):([^}]*)}$");
    private static final String NONE = "(none)";

    /** A row of the docs table. */
    record Documented(String key, String defaultValue, String env) {
    }

    @Test
    void everyMappedKeyIsDocumentedWithItsEffectiveDefault() throws IOException {
        List<String> problems = check(Files.readString(PROPERTIES), Files.readString(DOCS), Files.readString(CONFIG_MAP));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The check is not vacuous: a drifted default in any one of the sources is reported. */
    @Test
    void aDriftInAnySourceIsReported() throws IOException {
        String properties = Files.readString(PROPERTIES);
        String docs = Files.readString(DOCS);
        String configMap = Files.readString(CONFIG_MAP);
        assertEquals(List.of("docs/configuration.md: dispatch.max-in-flight documents `255`, the effective default is `256`"),
                check(properties, docs.replace("| `dispatch.max-in-flight` | `256` |", "| `dispatch.max-in-flight` | `255` |"), configMap));
        assertTrue(check(properties.replace("dispatch.max-in-flight=256", "dispatch.max-in-flight=300"), docs, configMap).stream()
                .anyMatch(p -> p.startsWith("application.properties: dispatch.max-in-flight=300")), "properties drift unreported");
        assertTrue(check(properties, docs, configMap.replace("DISPATCH_MAX_IN_FLIGHT: \"256\"", "DISPATCH_MAX_IN_FLIGHT: \"512\"")).stream()
                .anyMatch(p -> p.startsWith("k8s/configmap.yaml: DISPATCH_MAX_IN_FLIGHT")), "ConfigMap drift unreported");
        assertTrue(check(properties, docs.replace("| `dispatch.tick` |", "| `dispatch.tock` |"), configMap).stream()
                .anyMatch(p -> p.contains("dispatch.tick is not in")), "an undocumented key went unreported");
    }

    static List<String> check(String properties, String docs, String configMap) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> fileValues = propertyValues(properties);
        SmallRyeConfig fileConfig = fromFile(fileValues);
        Map<String, Documented> documented = documented(docs, problems);
        Map<String, String> mappedDefaults = EffectiveConfig.mappedDefaults();

        for (String key : EffectiveConfig.mappedKeys()) {
            if (!documented.containsKey(key)) {
                problems.add(key + " is not in the table of " + DOCS);
            }
        }
        for (Map.Entry<String, String> file : fileValues.entrySet()) {
            String key = file.getKey();
            String withDefault = mappedDefaults.get(key);
            String value = unreferenced(file.getValue());
            if (withDefault != null && !sameValue(value, withDefault)) { // a key without @WithDefault takes its value from here
                problems.add(PROPERTIES.getFileName() + ": " + key + "=" + value + " but its @WithDefault is " + withDefault);
            }
        }
        for (Documented doc : documented.values()) {
            if (!EffectiveConfig.mappedKeys().contains(doc.key()) && !fileValues.containsKey(doc.key())) {
                problems.add(DOCS + ": " + doc.key() + " is neither a mapped key nor set in " + PROPERTIES.getFileName());
                continue;
            }
            String actual = EffectiveConfig.value(fileConfig, mappedDefaults, doc.key()).orElse(NONE);
            if (!sameValue(doc.defaultValue(), actual)) {
                problems.add(DOCS + ": " + doc.key() + " documents `" + doc.defaultValue() + "`, the effective default is `" + actual + "`");
            }
            String env = Optional.ofNullable(fileValues.get(doc.key())).map(ENV_REFERENCE::matcher).filter(Matcher::matches)
                    .map(m -> m.group(1)).orElse(envForm(doc.key()));
            if (!env.equals(doc.env())) {
                problems.add(DOCS + ": " + doc.key() + " is set by " + env + ", the table says " + doc.env());
            }
        }
        Map<String, Documented> byEnv = new LinkedHashMap<>();
        documented.values().forEach(d -> byEnv.put(d.env(), d));
        configMapData(configMap).forEach((env, value) -> {
            Documented doc = byEnv.get(env);
            if (doc == null) {
                problems.add(CONFIG_MAP + ": " + env + " sets no documented key");
            } else if (!DEPLOYMENT_SPECIFIC.contains(env)
                    && !sameValue(value, EffectiveConfig.value(fileConfig, mappedDefaults, doc.key()).orElse(NONE))) {
                problems.add(CONFIG_MAP + ": " + env + "=" + value + " differs from the effective default of " + doc.key()
                        + "; change the default, or list it as deployment-specific in the docs and this test");
            }
        });
        return problems;
    }

    /** application.properties alone, expressions at their defaults (no environment), as the prod profile reads it. */
    private static SmallRyeConfig fromFile(Map<String, String> fileValues) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(fileValues, "application.properties", 250))
                .build();
    }

    /** Non-profile keys of application.properties with their raw values. */
    private static Map<String, String> propertyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("%") || eq < 0) {
                continue;
            }
            values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
        }
        return values;
    }

    private static Map<String, Documented> documented(String docs, List<String> problems) {
        Map<String, Documented> rows = new LinkedHashMap<>();
        for (String line : docs.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches() && rows.put(m.group(1), new Documented(m.group(1), m.group(2), m.group(3))) != null) {
                problems.add(DOCS + ": " + m.group(1) + " is listed twice");
            }
        }
        if (rows.isEmpty()) {
            problems.add(DOCS + ": no configuration table found");
        }
        return rows;
    }

    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** {@code ${NAME:default}} reads as its default. */
    private static String unreferenced(String value) {
        Matcher m = ENV_REFERENCE.matcher(value);
        return m.matches() ? (m.group(2).isEmpty() ? NONE : m.group(2)) : value;
    }

    /** Equal as text, or as durations where both are durations ("5m" and "PT5M"). */
    private static boolean sameValue(String a, String b) {
        if (a.equals(b) || (a.isEmpty() && b.equals(NONE)) || (b.isEmpty() && a.equals(NONE))) {
            return true;
        }
        try {
            return duration(a).equals(duration(b));
        } catch (IllegalArgumentException notDurations) {
            return false;
        }
    }

    private static Duration duration(String value) {
        Matcher m = Pattern.compile("^(\\d+)(ms|s|m|h|d)$").matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> configMapData(String yaml) {
        Map<String, String> data = new LinkedHashMap<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc instanceof Map<?, ?> root && "ConfigMap".equals(root.get("kind")) && root.get("data") instanceof Map<?, ?> d) {
                ((Map<String, Object>) d).forEach((k, v) -> data.put(k, String.valueOf(v)));
            }
        }
        return data;
    }
}
