package io.repeaterdispatch.k8s;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.repeaterdispatch.k8s.Manifests.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every path k8s/ sends a probe or a scrape to answers 200 on the running application. */
@QuarkusTest
class K8sProbePathsTest extends IntegrationTest {

    @Test
    void probeAndScrapePathsAnswer() {
        Manifests m = Manifests.load();
        Set<String> paths = new TreeSet<>();
        Map<String, Object> container = m.container();
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (container.containsKey(probe)) {
                paths.add((String) map(map(container, probe), "httpGet").get("path"));
            }
        }
        paths.add((String) map(map(map(map(m.one("Deployment").root(), "spec"), "template"), "metadata"), "annotations")
                .get("prometheus.io/path"));
        m.ofKind("ServiceMonitor").forEach(d -> Manifests.list(map(d.root(), "spec"), "endpoints")
                .forEach(e -> paths.add((String) e.get("path"))));
        assertTrue(paths.containsAll(Set.of("/q/health/live", "/q/health/ready", "/q/metrics")), paths.toString());
        for (String path : paths) {
            assertEquals(200, RestAssured.given().get(path).statusCode(), path);
        }
    }
}
