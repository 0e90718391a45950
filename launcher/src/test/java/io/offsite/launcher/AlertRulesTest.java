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

/**
 * The Prometheus alert rules in {@code deploy/}: valid for Prometheus, each alert raised by the series that should
 * raise it and quiet on healthy ones ({@code promtool test rules deploy/alerts-test.yml}), and built only on metrics
 * Offsite's code registers.
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

        String code = mainSources();
        Set<String> unknown = new TreeSet<>();
        Matcher metrics = METRIC.matcher(rules.lines().filter(l -> l.contains("expr") || l.startsWith("          ")).reduce("", (a, b) -> a + "\n" + b));
        while (metrics.find()) {
            String name = metrics.group(1).replaceAll("_(total|seconds)$", "");
            if (!code.contains("\"" + name + "\"") && !code.contains("\"" + name.replace('_', '.') + "\"")) {
                unknown.add(metrics.group(1));
            }
        }
        assertThat(unknown).as("metrics the alert rules use but no code registers").isEmpty();
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
