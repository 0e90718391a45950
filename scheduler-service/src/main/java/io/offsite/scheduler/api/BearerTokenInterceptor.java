package io.offsite.scheduler.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.web.servlet.HandlerInterceptor;

/** Requires {@code Authorization: Bearer <token>} on every mutating request when a token is configured. */
class BearerTokenInterceptor implements HandlerInterceptor {

    private final byte[] expected;

    BearerTokenInterceptor(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) {
            return true;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedException("a valid bearer token is required for " + method + " " + request.getRequestURI());
        }
        return true;
    }
}
