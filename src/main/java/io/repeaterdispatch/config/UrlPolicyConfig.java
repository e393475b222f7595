package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** Where repeaters may send to; keys live under {@code url-policy.*} (docs/operations.md, "Outbound URL policy"). */
@ConfigMapping(prefix = "url-policy")
public interface UrlPolicyConfig {

    /**
     * Address ranges never sent to, whatever the switches below say (URL_POLICY_DENY, comma-separated
     * CIDRs; setting it replaces the whole list). Defaults: "this network", link-local (cloud metadata
     * services live there), IETF protocol assignments (Oracle Cloud's metadata), multicast, reserved
     * and broadcast, the unspecified IPv6 address.
     */
    @WithDefault("0.0.0.0/8,169.254.0.0/16,192.0.0.0/24,224.0.0.0/4,240.0.0.0/4,::/128,fe80::/10,ff00::/8")
    List<String> deny();

    /** Allow 127.0.0.0/8 and ::1 (local development and tests only). */
    @WithDefault("false")
    boolean allowLoopback();

    /** Allow private and shared ranges: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10. */
    @WithDefault("false")
    boolean allowPrivate();
}
