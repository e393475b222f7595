package io.repeaterdispatch.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * k8s/ against the application: every manifest parses, has a known kind and its required fields;
 * every environment key is one the application reads; the Secret template holds placeholders only;
 * probes and ports meet the application; selectors and references line up; the termination grace
 * covers the shutdown. The same checks run on broken copies, which must fail.
 * (K8sProbePathsTest calls the probe and metrics paths on the running application.)
 */
class K8sManifestsTest {

    private final Manifests manifests = Manifests.load();
    private final AppConfigKeys app = AppConfigKeys.load();

    @Test
    void everyManifestHasAKnownKindAndItsRequiredFields() {
        ManifestChecks.kindsAndRequiredFields(manifests);
    }

    @Test
    void everyEnvironmentKeyIsOneTheApplicationReads() {
        ManifestChecks.environmentKeysAreRead(manifests, app);
    }

    @Test
    void secretTemplateHoldsPlaceholdersOnly() {
        ManifestChecks.secretTemplateHoldsNoSecrets(manifests);
    }

    @Test
    void probesAndPortsMeetTheApplication() {
        ManifestChecks.probesAndPorts(manifests, app);
    }

    @Test
    void selectorsAndReferencesLineUp() {
        ManifestChecks.selectorsAndReferences(manifests);
    }

    @Test
    void terminationGraceCoversPreStopDispatchGraceAndHandBack() {
        ManifestChecks.terminationGraceCoversShutdown(manifests, app);
    }

    /** Each line breaks one thing in a copy of k8s/; the check named must then fail. */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            configmap.yaml          | DISPATCH_SHUTDOWN_GRACE:        | DISPATCH_SHUTDOWN_GRACEE:      | env
            configmap.yaml          | DISPATCH_MAX_IN_FLIGHT:         | DISPATCH_MAX_INFLIGHT:         | env
            configmap.yaml          | LOG_JSON: "true"                | DB_PASSWORD: "x"               | env
            configmap.yaml          | DISPATCH_SHUTDOWN_GRACE: "20s"  | DISPATCH_SHUTDOWN_GRACE: "60s" | grace
            deployment.yaml         | terminationGracePeriodSeconds: 40 | terminationGracePeriodSeconds: 30 | grace
            deployment.yaml         | command: ["sleep", "5"]         | command: ["sleep", "15"]       | grace
            deployment.yaml         | path: /q/health/live            | path: /q/health/ready          | probes
            deployment.yaml         | path: /q/health/ready           | path: /q/health/readyz         | probes
            deployment.yaml         | containerPort: 8080             | containerPort: 8081            | probes
            deployment.yaml         | prometheus.io/path: /q/metrics  | prometheus.io/path: /metrics   | probes
            servicemonitor.yaml     | path: /q/metrics                | path: /metrics                 | probes
            service.yaml            | targetPort: http                | targetPort: web                | probes
            secret.template.yaml    | "<database password>"           | "correct-horse-battery"        | secret
            secret.template.yaml    | k1:<base64 of 32 random bytes>  | k1:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2 | secret
            service.yaml            | selector: {app: repeater-dispatch} | selector: {app: other}      | selectors
            pdb.yaml                | maxUnavailable: 1               | minAvailable: 3                | selectors
            hpa.yaml                | minReplicas: 3                  | minReplicas: 1                 | selectors
            hpa.yaml                | name: cpu                       | name: memory                   | selectors
            deployment.yaml         | configMapRef: {name: repeater-dispatch} | configMapRef: {name: rd} | selectors
            deployment.yaml         | kind: Deployment                | kind: Deploymnet               | kinds
            hpa.yaml                | autoscaling/v2                  | autoscaling/v1                 | kinds
            deployment.yaml         | limits: {cpu: "2", memory: 768Mi} | limits: {cpu: "2", memory: 256Mi} | kinds
            pdb.yaml                | maxUnavailable: 1               | maxUnavailable: [1              | parse
            """)
    void aBrokenCopyFails(String file, String from, String to, String check, @TempDir Path dir) throws IOException {
        try (var files = Files.list(Manifests.DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path target = dir.resolve(file);
        String text = Files.readString(target);
        assertTrue(text.contains(from.strip()), file + " no longer contains '" + from.strip() + "': update this case");
        Files.writeString(target, text.replace(from.strip(), to.strip()));

        BiConsumer<Manifests, AppConfigKeys> run = switch (check) {
            case "env" -> ManifestChecks::environmentKeysAreRead;
            case "grace" -> ManifestChecks::terminationGraceCoversShutdown;
            case "probes" -> ManifestChecks::probesAndPorts;
            case "secret" -> (m, a) -> ManifestChecks.secretTemplateHoldsNoSecrets(m);
            case "selectors" -> (m, a) -> ManifestChecks.selectorsAndReferences(m);
            case "kinds", "parse" -> (m, a) -> ManifestChecks.kindsAndRequiredFields(m);
            default -> throw new IllegalArgumentException(check);
        };
        assertThrows(AssertionError.class, () -> run.accept(Manifests.load(dir), app));
    }
}
