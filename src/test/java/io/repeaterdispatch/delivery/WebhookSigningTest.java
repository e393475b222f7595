package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.security.SecretCipher;
import io.repeaterdispatch.security.SecretRotation;
import io.repeaterdispatch.security.SigningSecrets;
import io.repeaterdispatch.config.SecretsConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.LogCapture;
import io.repeaterdispatch.testsupport.ReferenceVerifier;
import io.repeaterdispatch.testsupport.ReferenceVerifier.Verdict;
import io.repeaterdispatch.testsupport.TestReceiver.Hit;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard Webhooks signatures on real deliveries, each captured request checked by the reference
 * library (npm standardwebhooks, run by node: testsupport.ReferenceVerifier), not by our own code:
 * first attempts and retries of one record, both dispatch paths, a rotation's overlap (two
 * signatures) and after it (the new one only), signing turned off and on, a repeater that predates
 * signing, key rotation of the secrets at rest. And the secret's one-time answer: in the create and
 * rotate responses, never in any other response, the audit trail or the log.
 */
@QuarkusTest
class WebhookSigningTest extends IntegrationTest {

    private static final int FAILED = 2, SUCCEEDED = 4;
    private static final String PROBLEM = "application/problem+json";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SecretCipher cipher;
    @Inject
    SecretsConfig secrets;
    @Inject
    SecretRotation rotation;
    @Inject
    SigningSecrets signingSecrets;

    /** A repeater as the API created it, with the signing secret its create answered. */
    private record Created(long id, String secret) {
    }

    private Created create(String domain, String path, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("domain", domain, "name", "r-" + System.nanoTime(),
                "url", receiver.url(path), "batchSize", 5, "timeoutMs", 10_000));
        body.putAll(extra);
        JsonPath json = api().body(body).post("/api/v1/repeaters").then().statusCode(201).extract().jsonPath();
        return new Created(json.getLong("id"), json.getString("signingSecret"));
    }

    private JsonPath rotate(long repeater) {
        return api().post("/api/v1/repeaters/" + repeater + "/signing-secret/rotate").then().statusCode(200).extract().jsonPath();
    }

    private long enqueueOne(long repeater, String payloadId, Object payload) {
        return api().body(List.of(Map.of("payloadId", payloadId, "payload", payload))).post("/api/v1/repeaters/" + repeater + "/records")
                .then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class).get(0);
    }

    /** Enqueues one record and waits for its request. */
    private Hit deliverOne(long repeater, String path, String payloadId) {
        int before = receiver.hits(path).size();
        enqueueOne(repeater, payloadId, Map.of("case", payloadId, "note", "héllo ✓ 😀"));
        Await.until("delivered " + payloadId, () -> receiver.hits(path).size() == before + 1);
        return receiver.hits(path).get(before);
    }

    private static Verdict verify(String secret, Hit hit) {
        return ReferenceVerifier.verify(secret, hit);
    }

    private static void assertVerifies(String secret, Hit hit, String what) {
        Verdict verdict = verify(secret, hit);
        assertTrue(verdict.ok(), what + ": the reference library refused it: " + verdict.error() + " (headers " + webhookHeaders(hit) + ")");
    }

    private static Map<String, String> webhookHeaders(Hit hit) {
        Map<String, String> headers = new HashMap<>();
        hit.headers().forEach((name, value) -> {
            if (name.startsWith("webhook-")) {
                headers.put(name, value);
            }
        });
        return headers;
    }

    private static Hit with(Hit hit, String body, String header, String value) {
        Map<String, String> headers = new HashMap<>(hit.headers());
        if (header != null) {
            headers.put(header, value);
        }
        return new Hit(hit.seq(), hit.path(), hit.recordId(), hit.payloadId(), body, hit.authorization(), hit.customHeader(),
                hit.host(), hit.idempotencyKey(), Map.copyOf(headers));
    }

    private static String anotherSecret() {
        return SigningSecret.generate(RANDOM).text();
    }

    @Test
    void everyAttemptOfARecordVerifiesWithTheReferenceLibraryUnderOneStableId() {
        // the first attempt of each record fails, its retry succeeds
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        receiver.answer("/signed", hit -> CompletableFuture.completedFuture(Reply.of(seen.add(hit.recordId()) ? 503 : 200)));
        Created r = create("acme", "/signed", Map.of());
        SigningSecret parsed = SigningSecret.parse(r.secret()).orElseThrow(() -> new AssertionError("not a whsec_ secret"));
        assertEquals(32, parsed.key().length);
        List<Long> ids = api().body(List.of(Map.of("payloadId", "a", "payload", Map.of("text", "héllo ✓ 😀", "n", 1.50)),
                        Map.of("payloadId", "b", "payload", List.of(1, "two", Map.of()))))
                .post("/api/v1/repeaters/" + r.id() + "/records").then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class);
        Await.until("both first attempts failed", () -> records(r.id(), FAILED) == 2
                && repeater(r.id()).getInteger("consecutive_failed_batches") == 1);
        advance(Duration.ofHours(2)); // past the repeater's backoff (1 h in tests): the dispatch clock is 2 h ahead of real time
        Await.until("both retried and delivered", () -> records(r.id(), SUCCEEDED) == 2);

        List<Hit> hits = receiver.hits("/signed");
        assertEquals(4, hits.size(), "two attempts per record: " + hits);
        List<Verdict> verdicts = ReferenceVerifier.verifyAll(r.secret(), hits);
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < hits.size(); i++) {
            Hit hit = hits.get(i);
            assertTrue(verdicts.get(i).ok(), "attempt " + i + ": " + verdicts.get(i).error() + " " + webhookHeaders(hit));
            assertTrue(hit.header("webhook-signature").matches("v1,[A-Za-z0-9+/]{43}="), "one v1 signature: " + hit.header("webhook-signature"));
            long timestamp = Long.parseLong(hit.header("webhook-timestamp"));
            assertTrue(Math.abs(now - timestamp) < 120, "the real time of sending, not the dispatch clock's: " + timestamp + " vs " + now);
        }
        for (long id : ids) {
            List<String> messageIds = hits.stream().filter(h -> h.recordId() == id).map(h -> h.header("webhook-id")).toList();
            assertEquals(List.of("rr-" + id, "rr-" + id), messageIds, "record " + id + ": one webhook-id on the first attempt and the retry");
            hits.stream().filter(h -> h.recordId() == id).forEach(h -> assertEquals(h.idempotencyKey(), h.header("webhook-id")));
        }

        // our signature is the library's own, byte for byte (the body holds multi-byte characters)
        Hit first = hits.get(0);
        assertEquals(ReferenceVerifier.sign(r.secret(), first.header("webhook-id"), Long.parseLong(first.header("webhook-timestamp")),
                first.body()), first.header("webhook-signature"));
        // the verifier can say no: another secret, a changed body, a changed id or timestamp
        assertEquals("No matching signature found", verify(anotherSecret(), first).error());
        assertFalse(verify(r.secret(), with(first, first.body() + " ", null, null)).ok(), "changed body");
        assertFalse(verify(r.secret(), with(first, first.body(), "webhook-id", "rr-999999")).ok(), "changed id");
        assertFalse(verify(r.secret(), with(first, first.body(), "webhook-timestamp",
                Long.toString(Long.parseLong(first.header("webhook-timestamp")) - 1))).ok(), "changed timestamp");
    }

    @Test
    void duringTheRotationOverlapBothSecretsSignAndAfterItOnlyTheNewOne() {
        // "first" fails once (before the rotation), and is retried during the overlap
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        receiver.answer("/rot", hit -> CompletableFuture.completedFuture(
                Reply.of(hit.payloadId().equals("first") && failedOnce.add(hit.recordId()) ? 503 : 200)));
        String given = anotherSecret();
        Created r = create("acme", "/rot", Map.of("signingSecret", given));
        assertEquals(given, r.secret(), "a given secret is the one used, and answered");
        long first = enqueueOne(r.id(), "first", Map.of("n", 1));
        Await.until("the first attempt failed", () -> records(r.id(), FAILED) == 1
                && repeater(r.id()).getInteger("consecutive_failed_batches") == 1);
        Hit before = receiver.hits("/rot").get(0);
        assertVerifies(given, before, "before the rotation");

        JsonPath rotated = rotate(r.id());
        String fresh = rotated.getString("signingSecret");
        assertTrue(SigningSecret.parse(fresh).isPresent(), "a whsec_ secret");
        assertNotEquals(given, fresh);
        assertEquals(r.id(), rotated.getLong("id"), "the answer is the repeater, with its new secret");
        Instant rotatedAt = Instant.parse(rotated.getString("signing.rotatedAt"));
        Instant previousUntil = Instant.parse(rotated.getString("signing.previousValidUntil"));
        assertEquals(Duration.ofHours(24), Duration.between(rotatedAt, previousUntil), "dispatch.signing.rotation-overlap");
        assertEquals(rotated.getString("signing.rotatedAt"),
                api().get("/api/v1/repeaters/" + r.id()).then().statusCode(200).extract().jsonPath().getString("signing.rotatedAt"));

        advance(Duration.ofHours(2)); // past the backoff: the failed record's retry, 2 h into the overlap
        Await.until("the retry delivered", () -> records(r.id(), SUCCEEDED) == 1);
        long second = enqueueOne(r.id(), "second", Map.of("n", 2));
        Await.until("a new record delivered in the overlap", () -> records(r.id(), SUCCEEDED) == 2);
        List<Hit> during = receiver.hits("/rot").subList(1, 3);
        for (Hit hit : during) {
            String[] signatures = hit.header("webhook-signature").split(" ");
            assertEquals(2, signatures.length, "two signatures, space-separated: " + hit.header("webhook-signature"));
            assertVerifies(fresh, with(hit, hit.body(), "webhook-signature", signatures[0]), "first signature: the new secret's");
            assertVerifies(given, with(hit, hit.body(), "webhook-signature", signatures[1]), "second signature: the replaced secret's");
            assertFalse(verify(given, with(hit, hit.body(), "webhook-signature", signatures[0])).ok());
            assertVerifies(fresh, hit, "a receiver that has the new secret");
            assertVerifies(given, hit, "a receiver still on the old secret");
        }
        assertEquals(List.of("rr-" + first, "rr-" + first, "rr-" + second),
                List.of(before.header("webhook-id"), during.get(0).header("webhook-id"), during.get(1).header("webhook-id")),
                "a retry across the rotation keeps its record's id");

        advance(Duration.ofHours(23)); // 25 h after the rotation: the overlap is over
        enqueueOne(r.id(), "third", Map.of("n", 3));
        Await.until("delivered after the overlap", () -> records(r.id(), SUCCEEDED) == 3);
        Hit after = receiver.hits("/rot").get(3);
        assertFalse(after.header("webhook-signature").contains(" "), "one signature: " + after.header("webhook-signature"));
        assertVerifies(fresh, after, "after the overlap");
        assertEquals("No matching signature found", verify(given, after).error(), "the replaced secret no longer signs");
    }

    @Test
    void theLegacyPathSignsTooAndRotationOverlapsThere() {
        api().body(Map.of("enabled", false)).put("/api/v1/domains/legacy-co/flags/process-repeaters").then().statusCode(200);
        Created r = create("legacy-co", "/legacy", Map.of());
        Hit hit = deliverOne(r.id(), "/legacy", "l1");
        assertVerifies(r.secret(), hit, "a legacy-path delivery");
        assertEquals("rr-" + hit.recordId(), hit.header("webhook-id"));

        String fresh = rotate(r.id()).getString("signingSecret");
        Hit overlapping = deliverOne(r.id(), "/legacy", "l2");
        assertEquals(2, overlapping.header("webhook-signature").split(" ").length);
        assertVerifies(fresh, overlapping, "the new secret on the legacy path");
        assertVerifies(r.secret(), overlapping, "the replaced secret during the overlap, on the legacy path");
    }

    @Test
    void signingTurnedOffSendsNoSignatureAndCanBeTurnedBackOn() {
        Created r = create("acme", "/plain", Map.of("signing", Map.of("enabled", false)));
        assertNotNull(r.secret(), "a secret is made all the same, ready for when signing is on");
        api().get("/api/v1/repeaters/" + r.id()).then().statusCode(200).body("signing.enabled", equalTo(false));

        Hit plain = deliverOne(r.id(), "/plain", "p1");
        assertEquals(Map.of(), webhookHeaders(plain), "no webhook-id, webhook-timestamp or webhook-signature");
        assertEquals("rr-" + plain.recordId(), plain.idempotencyKey(), "the other headers as before");
        assertEquals("Missing required headers", verify(r.secret(), plain).error());

        api().body(Map.of("signing", Map.of("enabled", true))).patch("/api/v1/repeaters/" + r.id())
                .then().statusCode(200).body("signing.enabled", equalTo(true));
        assertVerifies(r.secret(), deliverOne(r.id(), "/plain", "p2"), "signing turned on by PATCH");

        api().body(Map.of("signing", Map.of("enabled", false))).patch("/api/v1/repeaters/" + r.id())
                .then().statusCode(200).body("signing.enabled", equalTo(false));
        Hit off = deliverOne(r.id(), "/plain", "p3");
        assertNull(off.header("webhook-signature"), "off again");
        assertEquals(false, repeater(r.id()).getBoolean("signing_enabled"));
    }

    @Test
    void theSecretIsAnsweredByCreateAndRotateOnlyNeverReadableAfterwardsNorLogged() {
        try (LogCapture logs = LogCapture.start()) {
            Created r = create("acme", "/once", Map.of("auth", Map.of("type", "bearer", "token", "tok-1234")));
            String fresh = rotate(r.id()).getString("signingSecret");
            Hit hit = deliverOne(r.id(), "/once", "o1");
            assertVerifies(fresh, hit, "delivered with the rotated secret");
            Await.until("the batch logged", () -> logs.logged("batch finished repeater=" + r.id() + " "));

            String base = "/api/v1/repeaters/" + r.id();
            List<Response> reads = new ArrayList<>();
            reads.add(api().get(base));
            reads.add(api().get("/api/v1/repeaters"));
            reads.add(api().get("/api/v1/repeaters?domain=acme"));
            reads.add(api().body(Map.of("name", "renamed")).patch(base));
            reads.add(api().body(Map.of("signing", Map.of("enabled", true))).patch(base));
            reads.add(api().post(base + "/pause"));
            reads.add(api().post(base + "/resume"));
            reads.add(api().get(base + "/records"));
            reads.add(api().get("/api/v1/records/" + hit.recordId()));
            reads.add(api().get("/api/v1/domains"));
            reads.add(api().get("/api/v1/audit?limit=500"));
            reads.add(api().delete(base));
            List<String> secretsShown = List.of(r.secret(), fresh);
            for (Response read : reads) {
                assertTrue(read.statusCode() < 300, read.statusCode() + " " + read.asString());
                String body = read.asString();
                assertFalse(body.contains("signingSecret"), "no signingSecret field after the first answer: " + body);
                for (String secret : secretsShown) {
                    assertFalse(body.contains(secret.substring("whsec_".length())), "a secret in: " + body);
                }
            }

            // the audit trail has the rotation, without either secret
            JsonPath audit = api().get("/api/v1/audit?action=repeater.signing-secret.rotate").then().statusCode(200).extract().jsonPath();
            assertEquals(1, audit.getList("items").size());
            assertEquals("repeater/" + r.id(), audit.getString("items[0].target"));
            assertNull(audit.get("items[0].detail.before.signing.rotatedAt"));
            assertNotNull(audit.get("items[0].detail.after.signing.rotatedAt"));
            assertNotNull(audit.get("items[0].detail.after.signing.previousValidUntil"));
            for (var row : sql("SELECT detail::text FROM admin_audit")) {
                for (String secret : secretsShown) {
                    assertFalse(row.getString(0).contains(secret.substring(6)), row.getString(0));
                }
            }

            // at rest: encrypted under the active key, current and previous
            var stored = repeater(r.id());
            assertTrue(stored.getString("signing_secret").startsWith("v1:test:"));
            assertTrue(stored.getString("signing_previous_secret").startsWith("v1:test:"));
            assertEquals(fresh, cipher.decrypt(stored.getString("signing_secret")));
            assertEquals(r.secret(), cipher.decrypt(stored.getString("signing_previous_secret")));
            for (String column : List.of("signing_secret", "signing_previous_secret")) {
                for (String secret : secretsShown) {
                    assertFalse(stored.getString(column).contains(secret.substring(6)), column);
                }
            }

            // the log: something was captured (the batch line), and no line holds a secret or its key in any encoding
            assertFalse(logs.lines().isEmpty());
            List<String> forms = new ArrayList<>();
            for (String secret : secretsShown) {
                byte[] key = SigningSecret.parse(secret).orElseThrow().key();
                forms.add(secret.substring(6));
                forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
                forms.add(java.util.HexFormat.of().formatHex(key));
            }
            for (String line : logs.lines()) {
                for (String form : forms) {
                    assertFalse(line.contains(form), "a signing secret logged: " + line);
                }
            }
        }
    }

    @Test
    void aBadGivenSecretIsA400ThatCreatesNothing() {
        Created existing = create("acme", "/bad", Map.of());
        long repeatersBefore = count("SELECT count(*) FROM repeater");
        long auditBefore = count("SELECT count(*) FROM admin_audit");
        String storedBefore = repeater(existing.id()).getString("signing_secret");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xFB);
        String standard = Base64.getEncoder().encodeToString(key);
        List<String> bad = List.of("not-a-secret", "whsec_", standard, "whsec_" + Base64.getEncoder().encodeToString(new byte[23]),
                "whsec_" + Base64.getEncoder().encodeToString(new byte[65]), "whsec_" + standard.replace('+', '-').replace('/', '_'),
                " whsec_" + standard, "whsec_" + standard + "\n", "whsec_" + "!".repeat(44));
        for (String secret : bad) {
            Map<String, Object> body = Map.of("domain", "acme", "name", "bad", "url", receiver.url("/bad"), "signingSecret", secret);
            Response refused = api().body(body).post("/api/v1/repeaters");
            refused.then().statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("signingSecret"));
            if (secret.length() > 20) {
                assertFalse(refused.asString().contains(secret.strip().substring(6)), "the problem repeats no secret: " + refused.asString());
            }
        }
        String valid = anotherSecret();
        List<Map<String, Object>> malformed = List.of(
                Map.of("signingSecret", 12345),
                Map.of("signing", Map.of("enabled", "yes")),
                Map.of("signing", Map.of()),
                Map.of("signing", Map.of("enabled", true, "secret", valid)),
                Map.of("signing", true));
        for (Map<String, Object> extra : malformed) {
            Map<String, Object> body = new HashMap<>(Map.of("domain", "acme", "name", "bad", "url", receiver.url("/bad")));
            body.putAll(extra);
            Response refused = api().body(body).post("/api/v1/repeaters");
            assertEquals(400, refused.statusCode(), extra + ": " + refused.asString());
            assertFalse(refused.asString().contains(valid.substring(6)), refused.asString());
        }
        api().body(Map.of("domain", "acme", "name", "bad", "url", receiver.url("/bad"), "signing", Map.of())).post("/api/v1/repeaters")
                .then().statusCode(400).body("errors[0].field", equalTo("signing.enabled"));
        api().body(Map.of("domain", "acme", "name", "bad", "url", receiver.url("/bad"), "signing", Map.of("enabled", true, "secret", valid)))
                .post("/api/v1/repeaters").then().statusCode(400).body("errors[0].field", equalTo("signing.secret"));

        // nor can a PATCH set it, or leave signing without its switch
        String base = "/api/v1/repeaters/" + existing.id();
        api().body(Map.of("signingSecret", valid)).patch(base).then().statusCode(400).body("errors[0].field", equalTo("signingSecret"));
        api().body(Map.of("name", "x", "signingSecret", valid)).patch(base).then().statusCode(400);
        api().body("{\"signing\": null}").patch(base).then().statusCode(400).body("errors[0].field", equalTo("signing"));
        api().body("{\"signing\": {\"enabled\": null}}").patch(base).then().statusCode(400).body("errors[0].field", equalTo("signing.enabled"));

        assertEquals(repeatersBefore, count("SELECT count(*) FROM repeater"), "nothing created");
        assertEquals(auditBefore, count("SELECT count(*) FROM admin_audit"), "nothing audited");
        assertEquals(storedBefore, repeater(existing.id()).getString("signing_secret"), "the secret unchanged");
        assertTrue(repeater(existing.id()).getBoolean("signing_enabled"));
        assertEquals("r-", repeater(existing.id()).getString("name").substring(0, 2), "no field of a refused PATCH applied");
    }

    @Test
    void aRepeaterWithoutASecretSendsUnsignedOnceThenGetsOne() {
        try (LogCapture logs = LogCapture.start()) {
            // as a repeater that existed before V15, or that a replica of an older version created
            long id = sql("INSERT INTO repeater (domain, name, url, timeout_ms) VALUES ('acme', 'old', $1, 10000) RETURNING id",
                    receiver.url("/old")).get(0).getLong(0);
            assertNull(repeater(id).getString("signing_secret"));
            assertTrue(repeater(id).getBoolean("signing_enabled"), "signing is on by default");

            Hit unsigned = deliverOne(id, "/old", "o1");
            assertNull(unsigned.header("webhook-signature"), "claimed before it had a secret: unsigned");
            assertEquals("rr-" + unsigned.recordId(), unsigned.header("webhook-id"));
            Await.until("a secret generated for it", () -> repeater(id).getString("signing_secret") != null && signingSecrets.running() == 0);
            String stored = repeater(id).getString("signing_secret");
            assertTrue(stored.startsWith("v1:test:"), "encrypted under the active key");
            String secret = cipher.decrypt(stored);

            assertVerifies(secret, deliverOne(id, "/old", "o2"), "signed from its next claim on");
            String line = "signing secret generated repeater=" + id + " ";
            Await.until("its generation logged", () -> logs.logged(line));
            assertEquals(1, logs.count(line), "once");
            assertFalse(logs.lines().stream().anyMatch(l -> l.contains(secret.substring(6))), "never the secret");

            // an operator learns a secret by rotating it
            String rotated = rotate(id).getString("signingSecret");
            Hit both = deliverOne(id, "/old", "o3");
            assertVerifies(rotated, both, "the rotated secret");
        }
    }

    @Test
    void signingSecretsUnderAnOlderKeyStillSignAndKeyRotationMovesThem() {
        Created r = create("acme", "/keys", Map.of());
        String fresh = rotate(r.id()).getString("signingSecret");
        // as if both were written while test-old was the active key
        SecretCipher old = new SecretCipher(new SecretsConfig() {
            public Optional<List<String>> keys() {
                return secrets.keys();
            }

            public Optional<String> activeKey() {
                return Optional.of("test-old");
            }

            public boolean reencryptOnStart() {
                return false;
            }
        });
        sql("UPDATE repeater SET signing_secret = $1, signing_previous_secret = $2 WHERE id = $3",
                old.encrypt(fresh), old.encrypt(r.secret()), r.id());
        Hit underOldKey = deliverOne(r.id(), "/keys", "k1");
        assertVerifies(fresh, underOldKey, "current secret under the old key");
        assertVerifies(r.secret(), underOldKey, "previous secret under the old key");

        assertTrue(rotation.unreadableKeyIds().await().atMost(Duration.ofSeconds(30)).isEmpty());
        assertEquals(2, rotation.reencryptAll().await().atMost(Duration.ofSeconds(30)), "both signing secrets moved");
        var stored = repeater(r.id());
        assertTrue(stored.getString("signing_secret").startsWith("v1:test:"));
        assertTrue(stored.getString("signing_previous_secret").startsWith("v1:test:"));
        Hit moved = deliverOne(r.id(), "/keys", "k2");
        assertVerifies(fresh, moved, "current secret after re-encryption");
        assertVerifies(r.secret(), moved, "previous secret after re-encryption");

        sql("UPDATE repeater SET signing_previous_secret = 'v1:retired:AAAA' WHERE id = $1", r.id());
        assertEquals(Set.of("retired"), rotation.unreadableKeyIds().await().atMost(Duration.ofSeconds(30)),
                "the start-up check reads the signing columns too");
    }
}
