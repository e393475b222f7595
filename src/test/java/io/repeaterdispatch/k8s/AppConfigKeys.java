package io.repeaterdispatch.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the application reads from its environment, from application.properties (which holds every
 * key with its default): the variables named in {@code ${NAME:default}} expressions, and every
 * key's MicroProfile environment form ({@code dispatch.shutdown-grace} → DISPATCH_SHUTDOWN_GRACE).
 */
final class AppConfigKeys {

    static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)[:}]");

    /** Property values of the default (prod) profile, by key. */
    final Map<String, String> values = new HashMap<>();
    /** Variables referenced as ${NAME...}. */
    final Set<String> referenced = new HashSet<>();
    /** Environment form of every key, any profile. */
    final Set<String> envForms = new HashSet<>();

    static AppConfigKeys load() {
        try {
            return new AppConfigKeys(Files.readString(PROPERTIES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AppConfigKeys(String text) {
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 0) {
                continue;
            }
            String key = trimmed.substring(0, eq).strip();
            String value = trimmed.substring(eq + 1).strip();
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                referenced.add(m.group(1));
            }
            boolean profiled = key.startsWith("%");
            String bare = profiled ? key.substring(key.indexOf('.') + 1) : key;
            envForms.add(envForm(bare));
            if (!profiled) {
                values.put(bare, value);
            }
        }
    }

    /** MicroProfile Config's environment form of a property name. */
    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    boolean reads(String envName) {
        return referenced.contains(envName) || envForms.contains(envName);
    }

    /** The default of {@code ${NAME:default}} or the literal value of a key. */
    Optional<String> defaultOf(String key) {
        String value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("^\\$\\{[A-Za-z0-9_]+:([^}]*)}$").matcher(value);
        return Optional.of(m.matches() ? m.group(1) : value);
    }
}
