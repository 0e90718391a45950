package io.offsite.rotation.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.worker.retention.RetentionPolicy;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** rotation-worker.yml: the original's series, with its counts taken from the original's environment names. */
class RotationConfigFileTest {

    static RotationProperties bind(Map<String, Object> environment) throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("env", environment));
        new YamlPropertySourceLoader().load("rotation-worker", new ClassPathResource("rotation-worker.yml"))
                .forEach(env.getPropertySources()::addLast);
        return Binder.get(env).bind("offsite.rotation", RotationProperties.class).get();
    }

    @Test
    void defaultsAreTheOriginals() throws IOException {
        RotationProperties properties = bind(Map.of());

        assertThat(properties.dryRun()).isFalse();
        assertThat(properties.seriesNames()).containsExactly("pokemon-data");
        assertThat(properties.series("pokemon-data").orElseThrow().policy()).isEqualTo(RetentionPolicy.originalDefault());
    }

    @Test
    void theOriginalsEnvironmentNamesSetTheCounts() throws IOException {
        RotationProperties properties = bind(Map.of("BACKUP_DAILY_RETENTION", "10", "BACKUP_WEEKLY_RETENTION", "5",
                "BACKUP_MONTHLY_RETENTION", "12", "BACKUP_MINIMUM", "3", "ROTATION_DRY_RUN", "true"));

        RetentionPolicy policy = properties.series("pokemon-data").orElseThrow().policy();
        assertThat(policy.describe()).isEqualTo("Daily: 10, Weekly: 5, Monthly: 12, Min: 3");
        assertThat(properties.dryRun()).isTrue();
    }
}
