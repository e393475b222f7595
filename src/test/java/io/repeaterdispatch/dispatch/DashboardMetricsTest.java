package io.repeaterdispatch.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exposition at /q/metrics, as Prometheus tools read it, and the Grafana board against it
 * (k8s/grafana/repeater-dispatch.json; docs/operations.md, "Dashboard"). Runs after real deliveries
 * (succeeded, failed, a 410 that disables its repeater), so the meters registered on first use exist.
 */
@QuarkusTest
class DashboardMetricsTest extends IntegrationTest {

    static final Path DASHBOARD = Path.of("k8s/grafana/repeater-dispatch.json");

    @Inject
    DispatchMetrics metrics;

    @BeforeEach
    void deliverSome() {
        receiver.answer("/down", 500);
        receiver.answer("/gone", 410);
        long ok = createRepeater("board-co", receiver.url("/ok"), 5);
        long down = createRepeater("board-co", receiver.url("/down"), 5);
        long gone = createRepeater("board-co", receiver.url("/gone"), 5);
        enqueue(ok, 3, "ok-");
        enqueue(down, 2, "down-");
        enqueue(gone, 1, "gone-");
        Await.until("delivered, failed and disabled", () -> records(ok, 4) == 3 && records(down, 2) == 2
                && repeater(gone).getValue("disabled_at") != null);
        // Budget skips are counted per domain, and a domain gets its series only when it reaches its
        // budget (docs/operations.md): register one the way a skip does.
        metrics.domainOverBudget("board-co", 1);
    }

    @Test
    void theExpositionPassesPromtool() throws Exception {
        Response response = RestAssured.get("/q/metrics"); // RestAssured asks with Accept: */*, as curl does
        assertEquals(200, response.statusCode());
        assertTrue(response.contentType().startsWith("text/plain; version=0.0.4"), response.contentType());
        String text = response.asString();
        assertTrue(text.contains("repeater_dispatch_attempts_total{"), "attempts exposed");

        List<String> problems = new ArrayList<>();
        Set<String> helped = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                if (parts.length < 4 || parts[3].isBlank()) {
                    problems.add("no help text: " + line);
                }
                helped.add(parts[2]);
            } else if (line.startsWith("m_")) {
                problems.add("a meter without a name of its own: " + line);
            } else if (line.startsWith("# TYPE ") && line.endsWith(" counter") && !line.split(" ")[2].endsWith("_total")) {
                problems.add("counter family without _total: " + line);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));

        // asked for alone, OpenMetrics is still answered (Prometheus' own Accept lists both: it gets the text format)
        String openMetrics = RestAssured.given().accept("application/openmetrics-text; version=1.0.0").get("/q/metrics").asString();
        assertTrue(openMetrics.strip().endsWith("# EOF"), "OpenMetrics on request");

        File promtool = onPath("promtool");
        boolean ci = "true".equals(System.getenv("CI"));
        assertTrue(promtool != null || !ci, "promtool is not installed (Debian: apt-get install prometheus); CI must have it");
        Assumptions.assumeTrue(promtool != null, "promtool not installed: skipped");
        Process check = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = check.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool ended");
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + out);
        assertEquals("", out.strip(), "promtool check metrics found problems");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposed() throws IOException {
        JsonNode board = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> expressions = new ArrayList<>();
        board.findValues("expr").forEach(e -> expressions.add(e.asText()));
        board.findValues("definition").forEach(e -> expressions.add(e.asText()));
        assertTrue(expressions.size() >= 20, "the board's queries: " + expressions.size());
        Set<String> queried = new TreeSet<>();
        expressions.forEach(e -> queried.addAll(metricNames(e)));
        assertTrue(queried.contains("repeater_dispatch_attempts_total"), "names extracted: " + queried);

        Set<String> exposed = new TreeSet<>();
        RestAssured.get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exposed);
        assertTrue(missing.isEmpty(), "the board queries metrics /q/metrics does not have: " + missing);
    }

    @Test
    void theExtractionFindsMetricsAndNothingElse() {
        assertEquals(Set.of("a_bucket", "b_total", "c"), metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(a_bucket{path=~\"$path\",x=\"y z\"}[$__rate_interval]))) / on(job) group_left"
                        + " sum without (instance) (increase(b_total[5m] offset 1h)) > bool 0 and c unless label_values(c, domain)"));
    }

    private static final Set<String> NOT_METRICS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern LABELS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");
    private static final Pattern LABEL_VALUES_LABEL = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*[a-zA-Z_]+\\s*\\)");

    /** The metric names a PromQL expression (or a Grafana label_values query) selects. */
    static Set<String> metricNames(String expression) {
        String e = LABEL_VALUES_LABEL.matcher(expression).replaceAll("$1");
        e = LABELS.matcher(e).replaceAll(" ");
        e = RANGES.matcher(e).replaceAll(" ");
        e = GROUPING.matcher(e).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String name = m.group(1);
            if (!NOT_METRICS.contains(name.toLowerCase()) && !name.startsWith("$")) {
                names.add(name);
            }
        }
        return names;
    }

    private static File onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File file = new File(dir, command);
            if (file.canExecute()) {
                return file;
            }
        }
        return null;
    }
}
