package io.offsite.scheduler.api;

import io.offsite.scheduler.config.SchedulerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The API's access rule (bearer token on every path but health, metrics scrape and API description) and allow-lists. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebConfiguration.class);

    @Bean
    ApiAccess apiAccess(SchedulerProperties properties) {
        ApiAccess access = ApiAccess.of(properties);
        if (access.disabled()) {
            log.warn("API authentication is DISABLED ({}=disabled): anyone who reaches this port can trigger jobs, read "
                    + "run history and see health details. Use it only on a trusted network.", ApiAccess.AUTH_PROPERTY);
        } else {
            log.info("The HTTP API requires a bearer token; open without it: /actuator/health (status only), "
                    + "/actuator/prometheus, /openapi.yaml and the dashboard page at / (its data comes from the API, with the token)");
        }
        return access;
    }

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(ApiAccess access) {
        FilterRegistrationBean<BearerTokenFilter> registration = new FilterRegistrationBean<>(new BearerTokenFilter(access));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        registration.setName("bearerTokenFilter");
        return registration;
    }

    @Bean
    CallerParameters callerParameters(SchedulerProperties properties) {
        return CallerParameters.of(properties);
    }
}
