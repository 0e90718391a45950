package io.offsite.scheduler.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every request needs {@code Authorization: Bearer <token>}, except the few paths probes and scrapers use:
 * {@code /actuator/health} (with its groups, liveness and readiness), {@code /actuator/prometheus} and the API
 * description {@code /openapi.yaml}, and the dashboard's static page ({@code /}, {@code /index.html},
 * {@code /dashboard.js}, {@code /dashboard.css}: exact paths, no data in them; the page asks for the token and sends
 * it to the API). Deny by default: an endpoint added later is covered without a change here.
 *
 * <p>A request with the right token carries a principal, which is what
 * {@code management.endpoint.health.show-details: when-authorized} checks: health details (leadership, last
 * successes, webhook target) are shown to token holders only, without Spring Security.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    static final String REALM = "Bearer realm=\"offsite\"";
    private static final List<String> OPEN_PATHS = List.of("/actuator/health", "/actuator/prometheus", "/openapi.yaml");
    /** Open as they are, nothing below them: the dashboard's static files. */
    private static final List<String> OPEN_FILES = List.of("/", "/index.html", "/dashboard.js", "/dashboard.css");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/_.-]*");
    private static final Principal CLIENT = () -> "api-client";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiAccess access;

    BearerTokenFilter(ApiAccess access) {
        this.access = access;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (access.permits(authorization)) {
            chain.doFilter(new Authenticated(request), response);
            return;
        }
        if (isOpen(pathOf(request))) {
            chain.doFilter(request, response);
            return;
        }
        boolean presented = ApiAccess.bearerToken(authorization) != null;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, presented
                ? "the bearer token is not the one the scheduler is configured with (offsite.scheduler.api-token)"
                : "send the API token as 'Authorization: Bearer <token>'; bin/offsite local keeps it in data/api-token");
        problem.setTitle("Unauthorized");
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, presented ? REALM + ", error=\"invalid_token\"" : REALM);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(JSON.writeValueAsString(problem));
    }

    /** Whether {@code path} (the raw request path) is open; anything unusual (dot segments, escapes, ';') is not. */
    static boolean isOpen(String path) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            return false;
        }
        if (OPEN_FILES.contains(path)) {
            return true;
        }
        for (String open : OPEN_PATHS) {
            if (path.equals(open) || path.startsWith(open + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String pathOf(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /** The request of a token holder: a principal, so actuator's {@code when-authorized} applies. */
    private static final class Authenticated extends HttpServletRequestWrapper {
        Authenticated(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Principal getUserPrincipal() {
            return CLIENT;
        }

        @Override
        public String getRemoteUser() {
            return CLIENT.getName();
        }
    }
}
