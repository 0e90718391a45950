package io.offsite.scheduler;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Cron, dependency, retry and manual triggers for Offsite jobs; publishes job requests to Kafka. */
@SpringBootApplication
public class SchedulerApplication {

    /** The application with its defaults; the launcher runs it next to other services in one JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(SchedulerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "scheduler-service"));
        return application;
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
