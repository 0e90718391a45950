package io.offsite.backup;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The backup worker: consistent snapshots of configured sources, compressed, hashed and streamed to S3. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BackupWorkerApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application with its own configuration file ({@code backup-worker.yml}), so several services can share a JVM. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(BackupWorkerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "backup-worker"));
        return application;
    }
}
