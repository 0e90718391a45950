package io.offsite.scheduler.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.scheduler.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleIntervalTest {

    @ParameterizedTest(name = "{0} in {1} from {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            0 0 * * *       | UTC           | 2025-01-15T10:00:00Z | PT24H
            0 1 * * *       | UTC           | 2025-01-15T01:00:00Z | PT24H
            30 2 * * 0      | UTC           | 2025-01-15T00:00:00Z | PT168H
            0 * * * *       | UTC           | 2025-01-15T00:00:00Z | PT1H
            */15 * * * *    | UTC           | 2025-01-15T00:00:00Z | PT15M
            0 2 * * 1-5     | UTC           | 2025-01-15T00:00:00Z | PT72H
            0 0 1 * *       | UTC           | 2025-01-15T00:00:00Z | PT744H
            0 0 1,15 * *    | UTC           | 2025-01-15T00:00:00Z | PT408H
            @yearly         | UTC           | 2025-01-15T00:00:00Z | PT8760H
            0 0 * * *       | Europe/Berlin | 2025-01-15T00:00:00Z | PT25H
            30 2 * * *      | Europe/Berlin | 2025-01-15T00:00:00Z | PT25H
            0 3 * * *       | America/New_York | 2025-06-01T00:00:00Z | PT25H
            """)
    void theLongestGapBetweenConsecutiveFiresInTheFollowingYear(String cron, String zone, String from, String gap) {
        CronSchedule schedule = CronSchedule.parse(cron.trim(), ZoneId.of(zone.trim()));
        assertThat(ScheduleInterval.longestGap(schedule, Instant.parse(from.trim()))).isEqualTo(Duration.parse(gap.trim()));
    }
}
