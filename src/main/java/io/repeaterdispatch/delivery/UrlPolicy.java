package io.repeaterdispatch.delivery;

import io.netty.util.NetUtil;
import io.quarkus.runtime.Startup;
import io.repeaterdispatch.config.UrlPolicyConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps repeaters away from addresses they must not reach (the host's own services, cloud metadata
 * endpoints, the private network): a URL is checked when a repeater is written, and again on every
 * delivery, where the request goes to the very address that was checked so a DNS answer that
 * changes in between (rebinding) cannot redirect it. Names are resolved with Vert.x's asynchronous
 * resolver, never on a blocked event loop, and every address a name resolves to must pass.
 */
@Startup // a malformed deny list stops the start instead of the first delivery
@ApplicationScoped
public class UrlPolicy {

    /** A denied destination; the message says which address and why, and is safe to store and show. */
    public static class DeniedDestinationException extends RuntimeException {
        DeniedDestinationException(String message) {
            super(message, null, false, false);
        }
    }

    static final String DENIED = "destination address denied by URL policy";
    private static final List<Cidr> LOOPBACK = ranges("127.0.0.0/8", "::1/128");
    private static final List<Cidr> PRIVATE = ranges("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "fc00::/7", "fec0::/10");
    /** NAT64 translates these to the IPv4 address in their last 32 bits: that address is checked too. */
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");

    private final VertxInternal vertx;
    private final List<Cidr> deny;
    private final boolean allowLoopback;
    private final boolean allowPrivate;

    public UrlPolicy(Vertx vertx, UrlPolicyConfig config) {
        this.vertx = (VertxInternal) vertx;
        try {
            this.deny = ranges(config.deny().toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("url-policy.deny (URL_POLICY_DENY): " + e.getMessage(), e);
        }
        this.allowLoopback = config.allowLoopback();
        this.allowPrivate = config.allowPrivate();
    }

    /**
     * For create and update: why repeaters may not send to {@code url}, or empty if they may. A name
     * that does not resolve is refused too (nothing could be checked). Never fails.
     */
    public Uni<Optional<String>> check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Uni.createFrom().item(Optional.of("not a valid URL"));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Uni.createFrom().item(Optional.of("must be an absolute http or https URL"));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Uni.createFrom().item(Optional.of("must name a host"));
        }
        return Uni.createFrom().<Optional<String>>emitter(emitter -> allowedAddress(uri.getHost()).onComplete(ar -> {
            if (ar.succeeded()) {
                emitter.complete(Optional.empty());
            } else if (ar.cause() instanceof DeniedDestinationException denied) {
                emitter.complete(Optional.of(denied.getMessage()));
            } else {
                emitter.complete(Optional.of("host " + uri.getHost() + " could not be resolved"));
            }
        }));
    }

    /**
     * For delivery: the address to connect to for {@code host}, after checking every address the
     * name resolves to. Fails with {@link DeniedDestinationException} or the resolver's error.
     */
    public Future<SocketAddress> server(String host, int port) {
        return allowedAddress(host).map(address -> SocketAddress.inetSocketAddress(port, NetUtil.toAddressString(address)));
    }

    private Future<InetAddress> allowedAddress(String host) {
        Optional<InetAddress> literal = ipLiteral(host);
        Future<List<InetAddress>> addresses = literal.isPresent() ? Future.succeededFuture(List.of(literal.get())) : resolve(host);
        return addresses.compose(all -> {
            for (InetAddress address : all) {
                Optional<String> reason = denies(address);
                if (reason.isPresent()) {
                    String which = literal.isPresent() ? NetUtil.toAddressString(address)
                            : host + " resolves to " + NetUtil.toAddressString(address);
                    return Future.failedFuture(new DeniedDestinationException(DENIED + ": " + which + " (" + reason.get() + ")"));
                }
            }
            return Future.succeededFuture(all.get(0));
        });
    }

    /** Every address of a name; the callback comes back on the caller's Vert.x context. */
    private Future<List<InetAddress>> resolve(String host) {
        Promise<List<InetAddress>> promise = Promise.promise();
        vertx.addressResolver().resolveHostnameAll(host, ar -> {
            if (ar.failed()) {
                promise.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                promise.fail(new UnknownHostException(host));
            } else {
                List<InetAddress> addresses = new ArrayList<>(ar.result().size());
                ar.result().stream().map(InetSocketAddress::getAddress).forEach(addresses::add);
                promise.complete(addresses);
            }
        });
        return promise.future();
    }

    /** Why {@code address} is denied (loopback, private, or the denied range it is in), or empty. */
    public Optional<String> denies(InetAddress address) {
        for (Cidr range : deny) {
            if (range.contains(address)) {
                return Optional.of("in denied range " + range);
            }
        }
        if (!allowLoopback && LOOPBACK.stream().anyMatch(r -> r.contains(address))) {
            return Optional.of("loopback");
        }
        if (!allowPrivate && PRIVATE.stream().anyMatch(r -> r.contains(address))) {
            return Optional.of("private network");
        }
        if (NAT64.contains(address)) {
            byte[] bytes = address.getAddress();
            InetAddress embedded = ipLiteral((bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
                    + (bytes[15] & 0xff)).orElseThrow();
            return denies(embedded).map(reason -> "NAT64 of " + NetUtil.toAddressString(embedded) + ", " + reason);
        }
        return Optional.empty();
    }

    /**
     * The address a host string spells out, if it is an IP literal (brackets allowed); empty for a
     * name. Never looks anything up. IPv4-mapped IPv6 addresses come back as IPv4.
     */
    static Optional<InetAddress> ipLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(bare);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException impossible) { // only thrown for a wrong array length
            return Optional.empty();
        }
    }

    private static List<Cidr> ranges(String... texts) {
        List<Cidr> ranges = new ArrayList<>(texts.length);
        for (String text : texts) {
            if (!text.isBlank()) {
                ranges.add(Cidr.parse(text));
            }
        }
        return List.copyOf(ranges);
    }
}
