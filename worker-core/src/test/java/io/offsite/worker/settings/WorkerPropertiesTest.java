package io.offsite.worker.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class WorkerPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(WorkerProperties.class)
    static class Bound {
    }

    final ApplicationContextRunner contexts = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void defaults() {
        WorkerProperties p = new WorkerProperties(null, 0, null, null, null, null, null, 0);
        assertThat(p.maxPollInterval()).isEqualTo(Duration.ofMinutes(40));
        assertThat(p.maxRunTime()).isEqualTo(Duration.ofMinutes(35));
        assertThat(p.defaultTimeout()).isEqualTo(Duration.ofMinutes(35));
        assertThat(p.maxLag()).isEqualTo(Duration.ofDays(7));
        assertThat(p.maxSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.limits()).isEqualTo(new WorkerProperties.Limits(256, 256, 4096, 64, 4096, 100));
        assertThat(p.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofMillis(3333));
    }

    @Test
    void sessionTimeoutBindsAndIsChecked() {
        contexts.withPropertyValues("offsite.worker.session-timeout=12s").run(context -> {
            WorkerProperties p = context.getBean(WorkerProperties.class);
            assertThat(p.sessionTimeout()).isEqualTo(Duration.ofSeconds(12));
            assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofSeconds(4));
        });
        contexts.withPropertyValues("offsite.worker.session-timeout=1s").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("offsite.worker.session-timeout must be at least 3s"));
        contexts.withPropertyValues("offsite.worker.max-poll-interval=2m", "offsite.worker.session-timeout=2m").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("shorter than offsite.worker.max-poll-interval"));
    }

    @Test
    void maximumRunTimeFollowsAShortPollInterval() {
        assertThat(WorkerProperties.defaultMaxRunTime(Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(1));
        assertThat(WorkerProperties.defaultMaxRunTime(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(115));
    }

    @Test
    void settingsBind() {
        contexts.withPropertyValues("offsite.worker.max-lag=30d", "offsite.worker.max-skew=1m", "offsite.worker.max-run-time=10m",
                "offsite.worker.limits.parameters=8", "offsite.worker.limits.metric-job-names=20").run(context -> {
            WorkerProperties p = context.getBean(WorkerProperties.class);
            assertThat(p.maxLag()).isEqualTo(Duration.ofDays(30));
            assertThat(p.maxSkew()).isEqualTo(Duration.ofMinutes(1));
            assertThat(p.maxRunTime()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.defaultTimeout()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.limits().parameters()).isEqualTo(8);
            assertThat(p.limits().fieldLength()).isEqualTo(256);
            assertThat(p.limits().metricJobNames()).isEqualTo(20);
        });
    }

    @Test
    void aRunTimeAsLongAsThePollIntervalFailsStartUpWithAClearMessage() {
        contexts.withPropertyValues("offsite.worker.max-poll-interval=30m", "offsite.worker.max-run-time=30m").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("offsite.worker.max-run-time (PT30M) must be shorter than offsite.worker.max-poll-interval (PT30M)")
                        .hasMessageContaining("runs twice"));
        assertThatThrownBy(() -> new WorkerProperties(null, 0, Duration.ofMinutes(10), null, null, null, null, 0,
                null, null, Duration.ofMinutes(11), null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
