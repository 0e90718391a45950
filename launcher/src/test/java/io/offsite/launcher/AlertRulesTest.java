package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Prometheus alert rules and the Grafana dashboard in {@code deploy/}: the rules valid for Prometheus, each alert
 * raised by the series that should raise it and quiet on healthy ones ({@code promtool test rules
 * deploy/alerts-test.yml}); rules and dashboard queries built only on metrics Offsite's code registers.
 */
class AlertRulesTest {

    private static final Path DEPLOY = DeploymentConsistencyTest.ROOT.resolve("deploy");
    /** Metric names in the rules' expressions: Offsite's own prefixes. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:offsite|backup|rotation|replication)_[a-z_]+)");

    @Test
    void promtoolAcceptsTheConfigurationAndTheRulesAndEveryAlertPassesItsUnitTests() throws Exception {
        Assumptions.assumeTrue(promtoolAvailable(), "promtool is not installed (Debian package prometheus; .ci/run installs it)");
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS: 1 rule files found");
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 8 rules found");
        assertThat(promtool("test", "rules", "alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestOrIsListedAsSimpleAndUsesOnlyMetricsTheCodeRegisters() throws IOException {
        String rules = Files.readString(DEPLOY.resolve("alerts.yml"));
        String tests = Files.readString(DEPLOY.resolve("alerts-test.yml"));
        List<String> alerts = new ArrayList<>();
        Matcher names = Pattern.compile("- alert: (\\w+)").matcher(rules);
        while (names.find()) {
            alerts.add(names.group(1));
        }
        assertThat(alerts).hasSize(8);
        Set<String> untested = new TreeSet<>();
        for (String alert : alerts) {
            if (!tests.contains("alertname: " + alert)) {
                untested.add(alert);
            }
        }
        // simple increase-over-a-window rules on counters that exist from the start
        assertThat(untested).as("alerts without a promtool unit test").isSubsetOf("OffsiteBucketListingFailing", "OffsiteDeleteRefused");

        assertThat(unregistered(rules.lines().filter(l -> l.contains("expr") || l.startsWith("          "))
                .reduce("", (a, b) -> a + "\n" + b))).as("metrics the alert rules use but no code registers").isEmpty();
    }

    @Test
    void theDashboardIsValidJsonOverTheProvisionedDataSourceAndQueriesOnlyMetricsTheCodeRegisters() throws IOException {
        Path grafana = DEPLOY.resolve("grafana");
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(grafana.resolve("dashboards/offsite.json")));
        String datasources = Files.readString(grafana.resolve("provisioning/datasources/prometheus.yml"));
        assertThat(dashboard.path("uid").asString()).isEqualTo("offsite");
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(10);
        StringBuilder queries = new StringBuilder();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("title").asString()).as("panel %s title", panel.path("id")).isNotBlank();
            assertThat(datasources).as("panel '%s' uses a provisioned data source", panel.path("title").asString())
                    .contains("uid: " + panel.path("datasource").path("uid").asString());
            assertThat(panel.path("targets").size()).as("panel '%s' queries", panel.path("title").asString()).isPositive();
            for (JsonNode target : panel.path("targets")) {
                queries.append(target.path("expr").asString()).append('\n');
            }
        }
        assertThat(unregistered(queries.toString())).as("metrics the dashboard queries but no code registers").isEmpty();
        assertThat(Files.readString(DeploymentConsistencyTest.ROOT.resolve("docker-compose.yml")))
                .contains("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", "./deploy/alerts.yml:/etc/prometheus/alerts.yml:ro");
    }

    /** Offsite metric names in {@code text} that no main source registers (Micrometer's dotted or Prometheus' form). */
    private static Set<String> unregistered(String text) throws IOException {
        String code = mainSources();
        Set<String> unknown = new TreeSet<>();
        Matcher metrics = METRIC.matcher(text);
        while (metrics.find()) {
            String name = metrics.group(1).replaceAll("_(total|seconds_sum|seconds_count|seconds_max|seconds|bucket)$", "");
            if (!code.contains("\"" + name + "\"") && !code.contains("\"" + name.replace('_', '.') + "\"")) {
                unknown.add(metrics.group(1));
            }
        }
        return unknown;
    }

    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(DeploymentConsistencyTest.ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }

    private static boolean promtoolAvailable() {
        try {
            Process p = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(DEPLOY.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("promtool %s: %s", String.join(" ", args), output).isZero();
        return output;
    }
}
