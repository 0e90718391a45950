package io.offsite.replication;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The replication worker: upserts the tables of configured SQLite sources into PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ReplicationWorkerApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application with its own configuration file ({@code replication-worker.yml}), so several services can share a JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(ReplicationWorkerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "replication-worker"));
        return application;
    }
}
