package io.offsite.scheduler.api;

import io.offsite.scheduler.config.SchedulerProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final SchedulerProperties properties;

    WebConfiguration(SchedulerProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        String token = properties.apiToken();
        if (token != null && !token.isBlank()) {
            registry.addInterceptor(new BearerTokenInterceptor(token)).addPathPatterns("/api/**");
        }
    }
}
