package io.offsite.rotation;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The rotation worker: applies each series' retention policy to the backups stored in the bucket. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RotationWorkerApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application with its own configuration file ({@code rotation-worker.yml}), so several services can share a JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(RotationWorkerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "rotation-worker"));
        return application;
    }
}
