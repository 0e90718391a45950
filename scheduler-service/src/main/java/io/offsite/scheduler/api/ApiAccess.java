package io.offsite.scheduler.api;

import io.offsite.scheduler.config.SchedulerProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may call the HTTP API: holders of the configured bearer token, or everyone when authentication is
 * explicitly disabled. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time
 * taken reveals neither the content nor the length of the configured token.
 */
final class ApiAccess {

    static final int MIN_TOKEN_LENGTH = 16;
    static final String TOKEN_PROPERTY = "offsite.scheduler.api-token";
    static final String AUTH_PROPERTY = "offsite.scheduler.api-auth";
    static final String TOKEN_VARIABLE = "OFFSITE_SCHEDULER_API_TOKEN";

    private final byte[] expectedDigest;

    private ApiAccess(byte[] expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    /** The access rule of {@code properties}; fails when a token is required and none (or a too short one) is set. */
    static ApiAccess of(SchedulerProperties properties) {
        if (properties.apiAuth() == SchedulerProperties.ApiAuth.DISABLED) {
            return new ApiAccess(null);
        }
        String token = properties.apiToken() == null ? "" : properties.apiToken().strip();
        if (token.isEmpty()) {
            throw new IllegalStateException("the HTTP API needs a token and none is set: set " + TOKEN_VARIABLE
                    + " (or " + TOKEN_PROPERTY + ") to a secret of at least " + MIN_TOKEN_LENGTH
                    + " characters, e.g. the output of 'openssl rand -base64 32'; only on a trusted network, "
                    + AUTH_PROPERTY + "=disabled runs the API without authentication");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException(TOKEN_PROPERTY + " is " + token.length() + " characters long; it must have at least "
                    + MIN_TOKEN_LENGTH + " (e.g. the output of 'openssl rand -base64 32')");
        }
        return new ApiAccess(sha256(token));
    }

    boolean disabled() {
        return expectedDigest == null;
    }

    /** Whether an {@code Authorization} header value carries the configured token (always true when disabled). */
    boolean permits(String authorization) {
        if (disabled()) {
            return true;
        }
        String presented = bearerToken(authorization);
        // digest even a missing token, so every refusal costs the same
        return MessageDigest.isEqual(expectedDigest, sha256(presented == null ? "" : presented)) && presented != null;
    }

    /** The token of a {@code Bearer} credential (scheme case-insensitive, RFC 6750), or null. */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() <= 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
