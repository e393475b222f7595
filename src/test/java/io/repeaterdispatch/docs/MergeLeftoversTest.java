package io.repeaterdispatch.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No merge conflict markers in what the repository ships: a merge once left them in two documents,
 * where no compiler notices. Reads every text file under the tracked top-level folders.
 */
class MergeLeftoversTest {

    private static final Pattern MARKER = Pattern.compile("^(<{7} |>{7} |={7}$)");
    private static final Set<String> TEXT = Set.of("md", "java", "sql", "lua", "mjs", "js", "sh", "yaml", "yml", "properties", "json", "xml");

    @Test
    void noFileHoldsAConflictMarker() throws IOException {
        List<String> found = new ArrayList<>();
        for (String top : List.of("docs", "src", "migrations", "bench", "faults", "bin", "k8s", ".ci")) {
            Path root = Path.of(top);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).filter(MergeLeftoversTest::isText).toList()) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (MARKER.matcher(lines.get(i)).find()) {
                            found.add(file + ":" + (i + 1));
                        }
                    }
                }
            }
        }
        for (String file : List.of("README.md", "pom.xml")) {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (MARKER.matcher(lines.get(i)).find()) {
                    found.add(file + ":" + (i + 1));
                }
            }
        }
        assertEquals(List.of(), found, "conflict markers left by a merge");
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        if (file.toString().contains("node_modules") || file.toString().contains("/runs/") || file.toString().contains("/results/")) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && TEXT.contains(name.substring(dot + 1)) || !name.contains(".");
    }
}
