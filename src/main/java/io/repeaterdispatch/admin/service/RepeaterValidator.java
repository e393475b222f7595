package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.service.ApiException.FieldError;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.Limits;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.delivery.UrlPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Checks a repeater definition and reports every problem at once. */
@ApplicationScoped
public class RepeaterValidator {

    public static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,125}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
    /** Set by the sender itself; a repeater must not override them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "content-type", "authorization", "idempotency-key", "x-repeat-record-id", "x-payload-id",
            "webhook-id", "webhook-timestamp", "webhook-signature");

    /** Bounds of a repeater's rate limit (docs/api.md). */
    public static final int MAX_RATE_PER_SECOND = 100_000;
    public static final int MAX_BURST = 100_000;
    /** A status policy names redirects, client and server errors only: 2xx is success whatever a repeater says. */
    public static final int LOWEST_POLICY_STATUS = 300;
    public static final int HIGHEST_POLICY_STATUS = 599;
    public static final int MAX_STATUS_CODES = 50;

    private final int maxBatchSize;
    private final UrlPolicy urlPolicy;

    public RepeaterValidator(DispatchConfig config, UrlPolicy urlPolicy) {
        this.maxBatchSize = config.maxBatchSize();
        this.urlPolicy = urlPolicy;
    }

    /**
     * The outbound URL policy for a URL that passed {@link #check}: fails with a 400 naming
     * {@code url} if the URL's host is, or resolves to, a denied address. Resolves asynchronously;
     * call it before opening a transaction so no database connection waits on DNS.
     */
    public Uni<Void> checkDestination(String url) {
        return urlPolicy.check(url).map(violation -> {
            if (violation.isPresent()) {
                throw ApiException.invalid(List.of(new FieldError("url", violation.get())));
            }
            return null;
        });
    }

    /** Batches at once (oldest due first), or one record at a time in the order registered (migrations/V18). */
    static final List<String> ORDERINGS = List.of("parallel", "strict");

    public void check(CreateRepeaterRequest r) {
        check(r, true);
    }

    /** @param withAuth false when an update leaves the stored credentials as they are */
    public void check(CreateRepeaterRequest r, boolean withAuth) {
        if (r == null) {
            throw ApiException.badRequest("request body is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (r.domain() == null || !DOMAIN.matcher(r.domain()).matches()) {
            errors.add(new FieldError("domain", "required; 1-126 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 255 || hasControl(r.name())) {
            errors.add(new FieldError("name", "required; 1-255 characters, no control characters"));
        }
        checkUrl(r.url(), errors);
        if (r.method() != null && !METHODS.contains(r.method().toUpperCase(Locale.ROOT))) {
            errors.add(new FieldError("method", "one of POST, PUT, PATCH"));
        }
        checkHeaders(r.headers(), errors);
        if (withAuth) {
            checkAuth(r.auth(), errors);
        }
        if (r.timeoutMs() != null && (r.timeoutMs() < 1 || r.timeoutMs() > Limits.MAX_TIMEOUT_MS)) {
            errors.add(new FieldError("timeoutMs", "between 1 and " + Limits.MAX_TIMEOUT_MS));
        }
        if (r.batchSize() != null && (r.batchSize() < 1 || r.batchSize() > maxBatchSize)) {
            errors.add(new FieldError("batchSize", "between 1 and " + maxBatchSize));
        }
        checkRateLimit(r.rateLimit(), errors);
        checkStatusPolicy(r.statusPolicy(), errors);
        checkSigning(r.signing(), r.signingSecret(), errors);
        if (r.ordering() != null && !ORDERINGS.contains(r.ordering())) {
            errors.add(new FieldError("ordering", "one of " + ORDERINGS));
        }
        EventTypes.checkSubscriptions("eventTypes", r.eventTypes(), errors);
        if (r.lifecycle() != null && r.lifecycle().honorDisableHeader() == null) {
            errors.add(new FieldError("lifecycle.honorDisableHeader", "required; true or false"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /** Control characters (NUL among them) have no place in names, credentials or header values. */
    public static boolean hasControl(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    /** A surrogate without its pair: JSON can spell one ("\\ud800"), UTF-8 cannot store it (it became '?'). */
    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a URL passes the syntax checks (so its destination is worth resolving). */
    public static boolean looksLikeUrl(String url) {
        List<FieldError> errors = new ArrayList<>();
        checkUrl(url, errors);
        return errors.isEmpty();
    }

    private static void checkUrl(String url, List<FieldError> errors) {
        if (url == null || url.isBlank()) {
            errors.add(new FieldError("url", "required"));
            return;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                errors.add(new FieldError("url", "must be an absolute http or https URL"));
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                errors.add(new FieldError("url", "must name a host"));
            } else if (uri.getRawUserInfo() != null) {
                errors.add(new FieldError("url", "must not carry credentials; use the auth field"));
            } else if (url.length() > 2048) {
                errors.add(new FieldError("url", "at most 2048 characters"));
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError("url", "not a valid URL"));
        }
    }

    private static void checkHeaders(Map<String, String> headers, List<FieldError> errors) {
        if (headers == null) {
            return;
        }
        if (headers.size() > 50) {
            errors.add(new FieldError("headers", "at most 50 headers"));
        }
        headers.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                errors.add(new FieldError("headers." + name, "not a valid header name"));
            } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError("headers." + name, "set by the service; use auth for credentials"));
            } else if (value == null || value.length() > 4096 || hasControl(value)) {
                errors.add(new FieldError("headers." + name, "a single-line value of at most 4096 characters"));
            }
        });
    }

    private static void checkRateLimit(CreateRepeaterRequest.RateLimit rate, List<FieldError> errors) {
        if (rate == null) {
            return;
        }
        // written to fail NaN too
        if (rate.perSecond() == null || !(rate.perSecond() > 0 && rate.perSecond() <= MAX_RATE_PER_SECOND)) {
            errors.add(new FieldError("rateLimit.perSecond", "required; a number above 0 and at most " + MAX_RATE_PER_SECOND));
        }
        if (rate.burst() != null && (rate.burst() < 1 || rate.burst() > MAX_BURST)) {
            errors.add(new FieldError("rateLimit.burst", "an integer from 1 to " + MAX_BURST + ", or absent for max(1, ceil(perSecond))"));
        }
    }

    /** The message never repeats the given secret: it may be a real one with a typo. */
    private static void checkSigning(CreateRepeaterRequest.Signing signing, String secret, List<FieldError> errors) {
        if (signing != null && signing.enabled() == null) {
            errors.add(new FieldError("signing.enabled", "required; true or false"));
        }
        if (secret != null && SigningSecret.parse(secret).isEmpty()) {
            errors.add(new FieldError("signingSecret", "must be " + SigningSecret.FORMAT + ", or absent to have one generated"));
        }
    }

    private static void checkStatusPolicy(CreateRepeaterRequest.StatusPolicy policy, List<FieldError> errors) {
        if (policy == null) {
            return;
        }
        boolean retryValid = checkStatusCodes("statusPolicy.retry", policy.retry(), errors);
        boolean invalidValid = checkStatusCodes("statusPolicy.invalidPayload", policy.invalidPayload(), errors);
        if (retryValid && invalidValid && policy.retry() != null && policy.invalidPayload() != null) {
            Set<Integer> both = new TreeSet<>(policy.retry());
            both.retainAll(policy.invalidPayload());
            if (!both.isEmpty()) {
                errors.add(new FieldError("statusPolicy", "a code is either retried or an invalid payload, not both: "
                        + both.stream().map(String::valueOf).collect(Collectors.joining(", "))));
            }
        }
    }

    /** @return whether the list is fine */
    private static boolean checkStatusCodes(String field, List<Integer> codes, List<FieldError> errors) {
        if (codes == null) {
            return true;
        }
        if (codes.size() > MAX_STATUS_CODES) {
            errors.add(new FieldError(field, "at most " + MAX_STATUS_CODES + " codes"));
            return false;
        }
        List<String> outside = codes.stream()
                .filter(code -> code == null || code < LOWEST_POLICY_STATUS || code > HIGHEST_POLICY_STATUS)
                .map(String::valueOf).distinct().toList();
        if (!outside.isEmpty()) {
            errors.add(new FieldError(field, "HTTP status codes from " + LOWEST_POLICY_STATUS + " to " + HIGHEST_POLICY_STATUS
                    + "; not " + String.join(", ", outside)));
            return false;
        }
        return true;
    }

    private static void checkAuth(CreateRepeaterRequest.Auth auth, List<FieldError> errors) {
        if (auth == null) {
            return;
        }
        Optional<AuthType> type = AuthType.parse(auth.type());
        if (type.isEmpty()) {
            errors.add(new FieldError("auth.type", "one of " + String.join(", ", Arrays.stream(AuthType.values()).map(AuthType::column).toList())));
            return;
        }
        switch (type.get()) {
            case NONE -> { }
            case BASIC -> {
                if (auth.username() == null || auth.username().isEmpty() || auth.username().contains(":") || hasControl(auth.username())) {
                    errors.add(new FieldError("auth.username", "required for basic auth, without ':' or control characters"));
                }
                if (auth.password() == null || hasControl(auth.password())) {
                    errors.add(new FieldError("auth.password", "required for basic auth, without control characters"));
                }
            }
            case BEARER -> {
                if (auth.token() == null || auth.token().isBlank() || hasControl(auth.token())) {
                    errors.add(new FieldError("auth.token", "required for bearer auth, without control characters"));
                }
            }
        }
    }
}
