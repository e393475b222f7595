package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Keys that encrypt endpoint secrets at rest; keys live under {@code secrets.*} (docs/operations.md, "Secrets at rest and key rotation"). */
@ConfigMapping(prefix = "secrets")
public interface SecretsConfig {

    /**
     * Every key that may have encrypted a stored secret, as {@code <keyId>:<base64 of 32 bytes>},
     * comma-separated (SECRETS_KEYS). One string rather than a map so that a single Kubernetes
     * Secret entry carries them all, and key ids are not mangled by env-var name rules.
     */
    Optional<List<String>> keys();

    /** Id of the key new secrets are encrypted with (SECRETS_ACTIVE_KEY); must be one of {@link #keys()}. */
    Optional<String> activeKey();

    /** At start, re-encrypt every stored secret not under the active key (the last step of a rotation). */
    @WithDefault("false")
    boolean reencryptOnStart();
}
