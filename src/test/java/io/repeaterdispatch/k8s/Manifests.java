package io.repeaterdispatch.k8s;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every document of every k8s/*.yaml, parsed (SnakeYAML, safe constructor), with small typed accessors. */
final class Manifests {

    static final Path DIR = Path.of("k8s");

    record Doc(Path file, Map<String, Object> root) {
        String kind() {
            return (String) root.get("kind");
        }

        String name() {
            return (String) Manifests.map(root, "metadata").get("name");
        }

        @Override
        public String toString() {
            return file.getFileName() + " " + kind() + "/" + name();
        }
    }

    private final List<Doc> docs;

    private Manifests(List<Doc> docs) {
        this.docs = docs;
    }

    static Manifests load() {
        return load(DIR);
    }

    static Manifests load(Path dir) {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                List<Object> parsed = new ArrayList<>();
                try {
                    yaml.loadAll(Files.readString(file)).forEach(parsed::add);
                } catch (RuntimeException e) {
                    throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
                }
                for (Object doc : parsed) {
                    if (doc == null) {
                        continue; // an empty document (a trailing ---)
                    }
                    if (!(doc instanceof Map<?, ?>)) {
                        throw new AssertionError(file + ": a document is not a mapping");
                    }
                    docs.add(new Doc(file, cast(doc)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(docs);
    }

    List<Doc> all() {
        return docs;
    }

    List<Doc> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.kind())).toList();
    }

    Doc one(String kind) {
        List<Doc> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " in " + DIR + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The Deployment's one container. */
    Map<String, Object> container() {
        List<Map<String, Object>> containers = list(podSpec(), "containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, found " + containers.size());
        }
        return containers.get(0);
    }

    Map<String, Object> podSpec() {
        return map(map(map(one("Deployment").root(), "spec"), "template"), "spec");
    }

    Map<String, Object> podLabels() {
        return map(map(map(map(one("Deployment").root(), "spec"), "template"), "metadata"), "labels");
    }

    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("missing mapping '" + key + "' in " + parent.keySet());
        }
        return cast(value);
    }

    static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof List<?>)) {
            throw new AssertionError("missing list '" + key + "' in " + parent.keySet());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Object item : (List<?>) value) {
            items.add(cast(item));
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }
}
