package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of a repeater turn ({@code src/main/resources/redis/*.lua}), each run by its SHA
 * (EVALSHA: the text is sent only when Redis has not cached it yet, e.g. after a restart).
 * Every script takes four keys: the repeater's lock and limiter hash, the domain's two budget windows.
 */
enum TurnScripts {
    ADMIT("admit-turn"),
    END("end-turn");

    private static final int KEYS = 4;

    private final String text;
    private final String sha;

    TurnScripts(String name) {
        this.text = read(name);
        this.sha = sha1(text);
    }

    /** keysAndArgs: the four keys, then the script's arguments. */
    Uni<Response> run(ReactiveRedisDataSource redis, String... keysAndArgs) {
        return redis.execute("EVALSHA", withHead(sha, keysAndArgs))
                .onFailure(TurnScripts::notCached).recoverWithUni(() -> redis.execute("EVAL", withHead(text, keysAndArgs)));
    }

    private static String[] withHead(String script, String[] keysAndArgs) {
        String[] all = new String[keysAndArgs.length + 2];
        all[0] = script;
        all[1] = Integer.toString(KEYS);
        System.arraycopy(keysAndArgs, 0, all, 2, keysAndArgs.length);
        return all;
    }

    private static boolean notCached(Throwable error) {
        return String.valueOf(error.getMessage()).startsWith("NOSCRIPT");
    }

    private static String read(String name) {
        try (InputStream in = TurnScripts.class.getResourceAsStream("/redis/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing redis/" + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
