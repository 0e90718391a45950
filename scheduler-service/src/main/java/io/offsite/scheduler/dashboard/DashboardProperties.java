package io.offsite.scheduler.dashboard;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The dashboard's settings, under {@code offsite.scheduler.dashboard}.
 *
 * @param refresh   the dashboard lists a series of the bucket at most this often (only while someone looks at it)
 * @param retention by series name: the rotation policy to preview, a copy of the rotation worker's settings of that
 *                  series; a series without one shows no preview and says why
 */
@ConfigurationProperties("offsite.scheduler.dashboard")
public record DashboardProperties(Duration refresh, Map<String, RetentionSettings> retention) {

    public DashboardProperties {
        refresh = refresh == null ? Duration.ofMinutes(1) : refresh;
        if (refresh.isNegative()) {
            throw new IllegalArgumentException("offsite.scheduler.dashboard.refresh must not be negative, was " + refresh);
        }
        retention = retention == null ? Map.of() : Map.copyOf(retention);
    }
}
