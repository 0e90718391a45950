package io.offsite.scheduler.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCatalogTest {

    static JobDraft draft(String name, String type, String cron, String... dependsOn) {
        return new JobDraft(name, type, cron, null, Duration.ofMinutes(1), 1, Duration.ofSeconds(30), true,
                List.of(dependsOn), null, Map.of());
    }

    @Test
    void buildsTheDependencyGraphIncludingExternalJobs() {
        JobCatalog catalog = new JobCatalog(List.of(
                draft("backup-database", "BACKUP", "0 0 * * *").toDefinition(),
                draft("rotate-backups", "rotation", "0 1 * * *", "backup-database").toDefinition(),
                draft("replicate-to-primary", "REPLICATION", "0 4 * * *", "sync-missing-cards").toDefinition()),
                List.of("sync-missing-cards"));
        assertThat(catalog.dependentsOf("backup-database")).extracting(JobDefinition::name).containsExactly("rotate-backups");
        assertThat(catalog.dependentsOf("sync-missing-cards")).extracting(JobDefinition::name)
                .containsExactly("replicate-to-primary");
        assertThat(catalog.dependentsOf("rotate-backups")).isEmpty();
        assertThat(catalog.find("backup-database").orElseThrow().schedule().zone().getId()).isEqualTo("UTC");
    }

    @Test
    void invalidDefinitionsNameTheJobAndField() {
        assertThatThrownBy(() -> draft("a", "BACKUP", "0 0 * *").toDefinition())
                .hasMessageContaining("job 'a', field 'cron'");
        assertThatThrownBy(() -> draft("a", "SNAPSHOT", "0 0 * * *").toDefinition())
                .hasMessageContaining("job 'a', field 'type'").hasMessageContaining("SNAPSHOT");
        assertThatThrownBy(() -> new JobDraft("a", "BACKUP", null, "Mars/Base", null, null, null, null, null, null, null)
                .toDefinition()).hasMessageContaining("job 'a', field 'zone'");
        assertThatThrownBy(() -> new JobDraft("a", "BACKUP", null, null, Duration.ofSeconds(-1), null, null, null, null,
                null, null).toDefinition()).hasMessageContaining("job 'a', field 'timeout'");
        assertThatThrownBy(() -> new JobDraft("a", "BACKUP", null, null, null, -1, null, null, null, null, null)
                .toDefinition()).hasMessageContaining("job 'a', field 'retries'");
        assertThatThrownBy(() -> new JobCatalog(List.of(draft("a", "BACKUP", null, "nobody").toDefinition()), List.of()))
                .isInstanceOf(InvalidJobDefinitionException.class)
                .hasMessageContaining("job 'a', field 'depends-on'").hasMessageContaining("unknown job 'nobody'");
        assertThatThrownBy(() -> new JobCatalog(List.of(
                draft("a", "BACKUP", null, "b").toDefinition(),
                draft("b", "BACKUP", null, "c").toDefinition(),
                draft("c", "BACKUP", null, "a").toDefinition()), List.of()))
                .hasMessageContaining("field 'depends-on'").hasMessageContaining("dependency cycle a -> b -> c -> a");
    }
}
