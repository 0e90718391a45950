package io.offsite.rotation.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.rotation.config.RotationProperties.Series;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPropertiesTest {

    @Test
    void withoutSeriesTheOriginalSeriesIsConfigured() {
        RotationProperties properties = new RotationProperties(null, false);

        Series series = properties.series("pokemon-data").orElseThrow();
        assertThat(series.prefix()).isEqualTo("backup-database/");
        assertThat(series.policy()).isEqualTo(RetentionPolicy.originalDefault());
    }

    @Test
    void seriesGetDefaultsAndATrailingSlash() {
        Series s = new Series("shop", "shop-backups/shop_a", null, null, 0, 24, 0, 0, 0, 0, " 30d ", 0);

        assertThat(s.prefix()).isEqualTo("shop-backups/shop_a/");
        assertThat(s.semantics()).isEqualTo(Semantics.CALENDAR);
        assertThat(s.policy().keepWithin().days()).isEqualTo(30);
        assertThat(s.policy().zone().normalized()).isEqualTo(java.time.ZoneOffset.UTC);
    }

    @Test
    void badSeriesAreRefusedWhenBound() {
        assertThatThrownBy(() -> new Series("a", "a/", null, null, 0, 0, 0, 0, 0, 0, null, 5))
                .hasMessageContaining("series 'a'").hasMessageContaining("empty retention policy");
        assertThatThrownBy(() -> new Series("a", "a/", null, null, 0, 0, 1, 0, 0, 0, "7w", 0)).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> new Series("a", " ", null, null, 0, 0, 1, 0, 0, 0, null, 0)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> new Series("a", "_runs", null, null, 0, 0, 1, 0, 0, 0, null, 0)).hasMessageContaining("_runs/");
        assertThatThrownBy(() -> new Series("a", "_incoming/x", null, null, 0, 0, 1, 0, 0, 0, null, 0)).hasMessageContaining("_incoming/");
        Series one = new Series("a", "a/", Semantics.RESTIC, ZoneId.of("Europe/Berlin"), 1, 0, 0, 0, 0, 0, null, 0);
        assertThatThrownBy(() -> new RotationProperties(List.of(one, one), false)).hasMessageContaining("configured twice");
    }
}
