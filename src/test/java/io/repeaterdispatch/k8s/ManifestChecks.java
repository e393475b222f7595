package io.repeaterdispatch.k8s;

import io.quarkus.runtime.configuration.DurationConverter;
import io.repeaterdispatch.dispatch.ShutdownDrain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.repeaterdispatch.k8s.Manifests.list;
import static io.repeaterdispatch.k8s.Manifests.map;

/**
 * The checks K8sManifestsTest runs on k8s/, as functions of the manifests (so the test can also
 * run them on broken copies and see them fail). Each throws AssertionError naming what is wrong.
 */
final class ManifestChecks {

    /** Kinds k8s/ may hold, with the apiVersion each must use. */
    static final Map<String, String> API_VERSIONS = Map.of(
            "Deployment", "apps/v1",
            "Service", "v1",
            "ConfigMap", "v1",
            "Secret", "v1",
            "HorizontalPodAutoscaler", "autoscaling/v2",
            "PodDisruptionBudget", "policy/v1",
            "ServiceMonitor", "monitoring.coreos.com/v1");
    /** Environment read by the image's JVM launcher, not by the application. */
    static final Set<String> LAUNCHER_ENV = Set.of("JAVA_OPTS", "JAVA_OPTS_APPEND", "JAVA_MAX_MEM_RATIO",
            "JAVA_INITIAL_MEM_RATIO", "JDK_JAVA_OPTIONS");
    /** Health endpoints of quarkus-smallrye-health (K8sProbePathsTest calls each on the running app). */
    static final Set<String> HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");
    static final String METRICS_PATH = "/q/metrics";
    /** After the drain and hand-back: closing the pools, clients and the JVM. */
    static final Duration CLOSING_MARGIN = Duration.ofSeconds(5);
    private static final Pattern SENSITIVE = Pattern.compile(".*(PASSWORD|TOKENS?|SECRETS_KEYS|SECRET)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>]+>");
    private static final Pattern LONG_TOKEN = Pattern.compile("[A-Za-z0-9+/=_-]{8,}");

    private ManifestChecks() {
    }

    static void kindsAndRequiredFields(Manifests m) {
        check(!m.all().isEmpty(), "no manifests in " + Manifests.DIR);
        for (Manifests.Doc doc : m.all()) {
            String kind = doc.kind();
            check(kind != null && API_VERSIONS.containsKey(kind), doc.file() + ": unknown kind " + kind);
            check(API_VERSIONS.get(kind).equals(doc.root().get("apiVersion")),
                    doc + ": apiVersion " + doc.root().get("apiVersion") + ", expected " + API_VERSIONS.get(kind));
            check(doc.name() != null && doc.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), doc + ": bad metadata.name");
        }
        for (String kind : List.of("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget")) {
            m.one(kind);
        }
        Map<String, Object> spec = map(m.one("Deployment").root(), "spec");
        check(spec.get("replicas") instanceof Integer r && r >= 3, "Deployment: at least 3 replicas");
        Map<String, Object> c = m.container();
        check(c.get("image") instanceof String s && !s.isBlank(), "container: image");
        Map<String, Object> resources = map(c, "resources");
        Map<String, Object> requests = map(resources, "requests");
        Map<String, Object> limits = map(resources, "limits");
        for (String r : List.of("cpu", "memory")) {
            check(requests.containsKey(r), "container: requests." + r);
        }
        check(limits.containsKey("memory"), "container: limits.memory (the JVM sizes itself from it)");
        for (String r : List.of("cpu", "memory")) {
            if (limits.containsKey(r)) {
                check(quantity(requests.get(r)).compareTo(quantity(limits.get(r))) <= 0, "container: requests." + r + " above its limit");
            }
        }
    }

    /** Every variable the manifests set is one the application (or the JVM launcher) reads. */
    static void environmentKeysAreRead(Manifests m, AppConfigKeys app) {
        List<String> unknown = new ArrayList<>();
        for (String name : environment(m).keySet()) {
            if (!app.reads(name) && !LAUNCHER_ENV.contains(name)) {
                unknown.add(name);
            }
        }
        check(unknown.isEmpty(), "environment variables no property of application.properties maps to: " + unknown);
        Map<String, Object> configMapData = map(m.one("ConfigMap").root(), "data");
        for (String key : configMapData.keySet()) {
            check(!SENSITIVE.matcher(key).matches(), "ConfigMap holds " + key + ": secrets belong in the Secret");
        }
        for (Map<String, Object> env : envEntries(m)) {
            check(!(env.containsKey("value") && SENSITIVE.matcher(String.valueOf(env.get("name"))).matches()),
                    "Deployment sets " + env.get("name") + " in clear: use the Secret");
        }
    }

    /** The template carries placeholders only, never a value that could be real. */
    static void secretTemplateHoldsNoSecrets(Manifests m) {
        Map<String, Object> secret = m.one("Secret").root();
        check(!secret.containsKey("data"), "Secret template: use stringData placeholders, not data");
        Map<String, Object> values = map(secret, "stringData");
        check(!values.isEmpty(), "Secret template: no entries");
        values.forEach((key, value) -> {
            String text = String.valueOf(value);
            check(PLACEHOLDER.matcher(text).find(), "Secret template: " + key + " is not a <placeholder>");
            String rest = PLACEHOLDER.matcher(text).replaceAll("");
            Matcher token = LONG_TOKEN.matcher(rest);
            check(!token.find(), "Secret template: " + key + " holds something that could be a real value outside its placeholders");
        });
    }

    /** Probes on the health endpoints (liveness on live, never on ready), ports that meet the application's. */
    static void probesAndPorts(Manifests m, AppConfigKeys app) {
        Map<String, Object> c = m.container();
        int appPort = Integer.parseInt(String.valueOf(environment(m).getOrDefault("PORT",
                app.defaultOf("quarkus.http.port").orElse("8080"))));
        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> p : list(c, "ports")) {
            ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
        }
        check(Objects.equals(ports.get("http"), appPort), "container port 'http' is " + ports.get("http") + ", the application listens on " + appPort);
        Map<String, String> expected = Map.of("livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready",
                "startupProbe", "/q/health/started");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            check(c.containsKey(probe), "container: " + probe);
        }
        expected.forEach((probe, path) -> {
            if (c.containsKey(probe)) {
                Map<String, Object> get = map(map(c, probe), "httpGet");
                check(path.equals(get.get("path")), probe + " on " + get.get("path") + ", expected " + path);
                check(appPort == resolvePort(get.get("port"), ports), probe + " port " + get.get("port") + " is not the application's " + appPort);
            }
        });
        Map<String, Object> annotations = map(map(map(map(m.one("Deployment").root(), "spec"), "template"), "metadata"), "annotations");
        if ("true".equals(annotations.get("prometheus.io/scrape"))) {
            check(METRICS_PATH.equals(annotations.get("prometheus.io/path")), "prometheus.io/path is not " + METRICS_PATH);
            check(String.valueOf(appPort).equals(annotations.get("prometheus.io/port")), "prometheus.io/port is not " + appPort);
        }
        for (Map<String, Object> p : list(map(m.one("Service").root(), "spec"), "ports")) {
            check(appPort == resolvePort(p.get("targetPort"), ports), "Service targetPort " + p.get("targetPort") + " misses the container");
        }
        for (Manifests.Doc monitor : m.ofKind("ServiceMonitor")) {
            Set<Object> servicePorts = new HashSet<>();
            list(map(m.one("Service").root(), "spec"), "ports").forEach(p -> servicePorts.add(p.get("name")));
            for (Map<String, Object> e : list(map(monitor.root(), "spec"), "endpoints")) {
                check(servicePorts.contains(e.get("port")), monitor + ": port " + e.get("port") + " is no Service port name");
                check(METRICS_PATH.equals(e.get("path")), monitor + ": path is not " + METRICS_PATH);
            }
        }
    }

    /** Selectors select the Deployment's pods; references name objects that exist. */
    static void selectorsAndReferences(Manifests m) {
        Map<String, Object> labels = m.podLabels();
        Manifests.Doc deployment = m.one("Deployment");
        selects(deployment + " selector", map(map(deployment.root(), "spec"), "selector"), labels);
        Map<String, Object> serviceSelector = map(map(m.one("Service").root(), "spec"), "selector");
        check(!serviceSelector.isEmpty() && labels.entrySet().containsAll(serviceSelector.entrySet()), "Service selector " + serviceSelector + " misses the pods " + labels);
        selects("PodDisruptionBudget", map(map(m.one("PodDisruptionBudget").root(), "spec"), "selector"), labels);
        Map<String, Object> pdb = map(m.one("PodDisruptionBudget").root(), "spec");
        int replicas = (Integer) map(deployment.root(), "spec").get("replicas");
        if (pdb.get("minAvailable") instanceof Integer min) {
            check(min < replicas, "PodDisruptionBudget minAvailable " + min + " would block every drain");
        }
        if (pdb.get("maxUnavailable") instanceof Integer max) {
            check(max >= 1, "PodDisruptionBudget maxUnavailable must allow one");
        }
        Map<String, Object> hpa = map(m.one("HorizontalPodAutoscaler").root(), "spec");
        Map<String, Object> target = map(hpa, "scaleTargetRef");
        check("Deployment".equals(target.get("kind")) && deployment.name().equals(target.get("name")), "HPA targets " + target);
        check(hpa.get("minReplicas") instanceof Integer min && min >= 3, "HPA minReplicas below 3");
        check((Integer) hpa.get("maxReplicas") >= (Integer) hpa.get("minReplicas"), "HPA maxReplicas below minReplicas");
        boolean cpu = list(hpa, "metrics").stream().anyMatch(x -> "Resource".equals(x.get("type"))
                && "cpu".equals(map(x, "resource").get("name")));
        check(cpu, "HPA does not scale on CPU");
        Map<String, Object> c = m.container();
        for (Map<String, Object> from : list(c, "envFrom")) {
            if (from.containsKey("configMapRef")) {
                check(m.one("ConfigMap").name().equals(map(from, "configMapRef").get("name")), "envFrom names another ConfigMap");
            }
            if (from.containsKey("secretRef")) {
                check(m.one("Secret").name().equals(map(from, "secretRef").get("name")), "envFrom names another Secret");
            }
        }
        for (Manifests.Doc monitor : m.ofKind("ServiceMonitor")) {
            Map<String, Object> serviceLabels = map(map(m.one("Service").root(), "metadata"), "labels");
            selects(monitor.toString(), map(map(monitor.root(), "spec"), "selector"), serviceLabels);
        }
    }

    /** Kubernetes waits long enough for preStop, the dispatch grace, the hand-back and closing. */
    static void terminationGraceCoversShutdown(Manifests m, AppConfigKeys app) {
        Map<String, Object> pod = m.podSpec();
        check(pod.get("terminationGracePeriodSeconds") instanceof Integer, "terminationGracePeriodSeconds missing");
        int termination = (Integer) pod.get("terminationGracePeriodSeconds");
        String graceText = String.valueOf(environment(m).getOrDefault("DISPATCH_SHUTDOWN_GRACE",
                app.defaultOf("dispatch.shutdown-grace").orElseThrow(() -> new AssertionError("dispatch.shutdown-grace missing"))));
        Duration grace = DurationConverter.parseDuration(graceText);
        Duration preStop = preStopSleep(m.container());
        Duration needed = preStop.plus(grace).plus(ShutdownDrain.HAND_BACK_BOUND).plus(CLOSING_MARGIN);
        check(Duration.ofSeconds(termination).compareTo(needed) >= 0, "terminationGracePeriodSeconds " + termination
                + " < preStop " + preStop.toSeconds() + " + grace " + grace.toSeconds() + " + hand-back "
                + ShutdownDrain.HAND_BACK_BOUND.toSeconds() + " + closing " + CLOSING_MARGIN.toSeconds());
    }

    /** The variables the pod gets: ConfigMap data, Secret entries, the container's own env (later wins). */
    static Map<String, Object> environment(Manifests m) {
        Map<String, Object> env = new HashMap<>(map(m.one("ConfigMap").root(), "data"));
        map(m.one("Secret").root(), "stringData").keySet().forEach(k -> env.put(k, "<secret>"));
        for (Map<String, Object> e : envEntries(m)) {
            env.put((String) e.get("name"), e.getOrDefault("value", "<from>"));
        }
        return env;
    }

    private static List<Map<String, Object>> envEntries(Manifests m) {
        Map<String, Object> c = m.container();
        return c.containsKey("env") ? list(c, "env") : List.of();
    }

    private static Duration preStopSleep(Map<String, Object> container) {
        if (!container.containsKey("lifecycle")) {
            return Duration.ZERO;
        }
        Map<String, Object> preStop = map(map(container, "lifecycle"), "preStop");
        if (preStop.containsKey("sleep")) {
            return Duration.ofSeconds(((Number) map(preStop, "sleep").get("seconds")).longValue());
        }
        List<?> command = (List<?>) map(preStop, "exec").get("command");
        check(command.size() == 2 && "sleep".equals(command.get(0)), "preStop is not a plain sleep: " + command);
        return Duration.ofSeconds(Long.parseLong(String.valueOf(command.get(1))));
    }

    private static void selects(String what, Map<String, Object> selector, Map<String, Object> labels) {
        Map<String, Object> match = map(selector, "matchLabels");
        check(!match.isEmpty() && labels.entrySet().containsAll(match.entrySet()), what + " " + match + " misses the pods " + labels);
    }

    private static int resolvePort(Object port, Map<String, Integer> named) {
        if (port instanceof Integer p) {
            return p;
        }
        Integer p = named.get(String.valueOf(port));
        return p == null ? -1 : p;
    }

    /** A Kubernetes quantity (cpu "500m", "2"; memory "384Mi", "1Gi") as a number. */
    static BigDecimal quantity(Object value) {
        String s = String.valueOf(value);
        Map<String, BigDecimal> suffixes = Map.of("m", new BigDecimal("0.001"), "Ki", BigDecimal.valueOf(1L << 10),
                "Mi", BigDecimal.valueOf(1L << 20), "Gi", BigDecimal.valueOf(1L << 30), "k", BigDecimal.valueOf(1000),
                "M", BigDecimal.valueOf(1_000_000), "G", BigDecimal.valueOf(1_000_000_000));
        for (Map.Entry<String, BigDecimal> e : suffixes.entrySet()) {
            if (s.endsWith(e.getKey()) && s.length() > e.getKey().length()
                    && Character.isDigit(s.charAt(s.length() - e.getKey().length() - 1))) {
                return new BigDecimal(s.substring(0, s.length() - e.getKey().length())).multiply(e.getValue());
            }
        }
        return new BigDecimal(s);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
