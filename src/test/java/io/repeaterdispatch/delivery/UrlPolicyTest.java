package io.repeaterdispatch.delivery;

import io.repeaterdispatch.config.UrlPolicyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy on its own, with a real Vert.x resolver (localhost comes from /etc/hosts, no network needed). */
class UrlPolicyTest {

    private static final List<String> DEFAULT_DENY = List.of("0.0.0.0/8", "169.254.0.0/16", "192.0.0.0/24", "224.0.0.0/4",
            "240.0.0.0/4", "::/128", "fe80::/10", "ff00::/8");
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        // Short DNS timeouts: the unresolvable-name case must not depend on how fast DNS says no.
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions().setQueryTimeout(1000)));
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static UrlPolicy policy(boolean allowLoopback, boolean allowPrivate, List<String> deny) {
        return new UrlPolicy(vertx, new UrlPolicyConfig() {
            public List<String> deny() {
                return deny;
            }

            public boolean allowLoopback() {
                return allowLoopback;
            }

            public boolean allowPrivate() {
                return allowPrivate;
            }
        });
    }

    private static InetAddress ip(String literal) {
        return UrlPolicy.ipLiteral(literal).orElseThrow(() -> new AssertionError("not a literal: " + literal));
    }

    private static Optional<String> check(UrlPolicy policy, String url) {
        return policy.check(url).await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void cidrMatchesOnPrefixBitsForBothFamilies() {
        Cidr v4 = Cidr.parse("172.16.0.0/12");
        assertTrue(v4.contains(ip("172.16.0.1")));
        assertTrue(v4.contains(ip("172.31.255.255")));
        assertFalse(v4.contains(ip("172.32.0.0")));
        assertFalse(v4.contains(ip("172.15.255.255")));
        assertTrue(v4.contains(ip("::ffff:172.16.0.1")), "IPv4-mapped IPv6 is matched as IPv4");
        Cidr v6 = Cidr.parse("fe80::/10");
        assertTrue(v6.contains(ip("fe80::1")));
        assertTrue(v6.contains(ip("febf:ffff::1")));
        assertFalse(v6.contains(ip("fec0::1")));
        assertFalse(v6.contains(ip("169.254.0.1")), "no match across families");
        assertTrue(Cidr.parse("10.1.2.3/8").contains(ip("10.200.0.1")), "host bits of the range are ignored");
        assertTrue(Cidr.parse("192.0.2.7").contains(ip("192.0.2.7")), "a bare address is a /32");
        assertFalse(Cidr.parse("192.0.2.7").contains(ip("192.0.2.8")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        for (String bad : List.of("10.0.0.0/33", "fe80::/129", "example.org/8", "10.0.0.0/x", "", "10.0.0/8")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void defaultsDenyLoopbackPrivateLinkLocalAndSpecialRanges() {
        UrlPolicy policy = policy(false, false, DEFAULT_DENY);
        for (String denied : List.of("127.0.0.1", "127.8.9.10", "::1", "10.0.0.5", "172.20.1.1", "192.168.1.1", "100.64.0.1",
                "fd00:ec2::254", "169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255",
                "192.0.0.192", "::ffff:169.254.169.254", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe")) {
            assertTrue(policy.denies(ip(denied)).isPresent(), denied + " denied");
        }
        for (String allowed : List.of("8.8.8.8", "203.0.113.10", "172.32.0.1", "2001:db8::1", "2606:4700::1111", "64:ff9b::808:808")) {
            assertEquals(Optional.empty(), policy.denies(ip(allowed)), allowed + " allowed");
        }
        assertEquals(Optional.of("in denied range 169.254.0.0/16"), policy.denies(ip("169.254.169.254")));
        assertEquals(Optional.of("loopback"), policy.denies(ip("::1")));
        assertEquals(Optional.of("private network"), policy.denies(ip("fc00::1")));
    }

    @Test
    void switchesOpenLoopbackAndPrivateButNeverTheDenyList() {
        UrlPolicy loopback = policy(true, false, DEFAULT_DENY);
        assertEquals(Optional.empty(), loopback.denies(ip("127.0.0.1")));
        assertEquals(Optional.empty(), loopback.denies(ip("::1")));
        assertTrue(loopback.denies(ip("10.0.0.1")).isPresent());

        UrlPolicy both = policy(true, true, DEFAULT_DENY);
        for (String allowed : List.of("10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "fd12::1")) {
            assertEquals(Optional.empty(), both.denies(ip(allowed)), allowed);
        }
        assertTrue(both.denies(ip("169.254.169.254")).isPresent(), "metadata stays denied");
        assertTrue(both.denies(ip("fe80::1")).isPresent());

        UrlPolicy stricter = policy(true, true, List.of("127.0.0.0/8", "10.9.0.0/16"));
        assertEquals(Optional.of("in denied range 127.0.0.0/8"), stricter.denies(ip("127.0.0.1")), "deny wins over allow-loopback");
        assertTrue(stricter.denies(ip("10.9.1.1")).isPresent());
        assertEquals(Optional.empty(), stricter.denies(ip("10.8.1.1")));
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> policy(false, false, List.of("10.0.0.0/40")));
        assertTrue(bad.getMessage().contains("url-policy.deny"), bad.getMessage());
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHost() {
        UrlPolicy policy = policy(false, false, DEFAULT_DENY);
        assertEquals(Optional.of("must be an absolute http or https URL"), check(policy, "ftp://203.0.113.10/x"));
        assertEquals(Optional.of("must be an absolute http or https URL"), check(policy, "file:///etc/passwd"));
        assertEquals(Optional.of("must be an absolute http or https URL"), check(policy, "/relative"));
        assertEquals(Optional.of("must name a host"), check(policy, "http:///x"));
        assertEquals(Optional.of("not a valid URL"), check(policy, "http://exa mple.org/"));
        assertEquals(Optional.empty(), check(policy, "https://203.0.113.10/hook"));
        assertEquals(Optional.empty(), check(policy, "HTTP://[2001:db8::1]:8443/hook"));
    }

    @Test
    void ipLiteralsAreCheckedDirectly() {
        UrlPolicy policy = policy(false, false, DEFAULT_DENY);
        assertEquals(Optional.of("destination address denied by URL policy: 169.254.169.254 (in denied range 169.254.0.0/16)"),
                check(policy, "http://169.254.169.254/latest/meta-data"));
        assertEquals(Optional.of("destination address denied by URL policy: ::1 (loopback)"), check(policy, "http://[::1]:8080/x"));
        assertTrue(check(policy, "http://[::ffff:10.0.0.1]/x").orElseThrow().contains("private network"));
    }

    @Test
    void aNameIsJudgedByTheAddressesItResolvesTo() {
        Optional<String> denied = check(policy(false, false, DEFAULT_DENY), "http://localhost:1234/x");
        assertTrue(denied.orElseThrow().startsWith("destination address denied by URL policy: localhost resolves to "), denied.get());
        assertTrue(denied.get().endsWith("(loopback)"), denied.get());
        assertEquals(Optional.empty(), check(policy(true, false, DEFAULT_DENY), "http://localhost:1234/x"));
        // the address a delivery connects to is the checked one, not the name
        assertEquals("127.0.0.1", policy(true, false, DEFAULT_DENY).server("localhost", 1234)
                .toCompletionStage().toCompletableFuture().join().host());
        assertEquals(Optional.of("host no-such-host.invalid could not be resolved"),
                check(policy(true, true, DEFAULT_DENY), "http://no-such-host.invalid/x"));
    }
}
