package io.offsite.scheduler.dashboard;

import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.worker.storage.ObjectStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dashboard: a static page ({@code static/index.html}, {@code dashboard.js}, {@code dashboard.css}) served at
 * {@code /} without the token (it holds no data), over the token-protected JSON API.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DashboardProperties.class)
class DashboardConfiguration {

    /**
     * What the page may load and talk to: itself only. Nothing from another origin, no inline script or style, no
     * framing; no referrer, so the scheduler's address does not leak to links.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Bean
    SeriesDetails dashboardSeriesDetails(ObjectStore store, DashboardProperties properties, Clock clock) {
        return new SeriesDetails(store, properties.refresh(), clock);
    }

    @Bean
    DashboardPolicies dashboardPolicies(DashboardProperties properties, BackupInventory inventory) {
        return DashboardPolicies.of(properties.retention(), inventory.series());
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> dashboardHeaders() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Referrer-Policy", "no-referrer");
                chain.doFilter(request, response);
            }
        });
        registration.addUrlPatterns("/", "/index.html", "/dashboard.js", "/dashboard.css");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
        registration.setName("dashboardHeaders");
        return registration;
    }
}
