package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's shape: every command has a generated --help, usage errors exit 2 and say what to type. */
class CommandLineTest {

    static final List<String> COMMANDS = List.of("local", "infra", "run", "request", "backups", "restore", "plan-retention", "schema",
            "kafka-setup", "generate-demo");

    @Test
    void helpListsEveryCommandAndExitsZero() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("usage: offsite <command> [options]").contains("Exit status: 0 done, 1 failed");
        COMMANDS.forEach(command -> assertThat(help.out()).as(command).containsPattern("(?m)^  " + command + " +\\S"));
        assertThat(CliRun.of("help").out()).isEqualTo(help.out());
    }

    @Test
    void everyCommandHasAHelpGeneratedFromItsOptions() {
        for (String command : COMMANDS) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("usage: offsite " + command).contains("-h, --help");
            assertThat(CliRun.of("help", command).out()).as(command).isEqualTo(help.out());
        }
        assertThat(CliRun.of("run", "--help").out()).contains("--param=KEY=VALUE").contains("--timeout=DURATION").contains("--no-wait")
                .contains("--token-file=FILE").contains("--kafka-credentials=FILE").contains("default: 45m");
        assertThat(CliRun.of("restore", "--help").out()).contains("--to-postgres=JDBC_URL").contains("--as-of=INSTANT").contains("--safety-dir=DIR")
                .contains("--identity=FILE").contains("OFFSITE_AGE_IDENTITY_FILE");
        assertThat(CliRun.of("local", "--help").out()).contains("--kafka-port=N").contains("default: 9092").contains("--open").contains("--demo")
                .contains("--encrypt").contains("age-identity.txt");
    }

    @Test
    void versionNamesTheLauncherAndJava() {
        CliRun version = CliRun.of("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("offsite ").contains("Java " + System.getProperty("java.version"));
        assertThat(CliRun.of("run", "--version").out()).isEqualTo(version.out());
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        CliRun result = CliRun.of("backup");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("unknown command 'backup'").contains(String.join(", ", COMMANDS)).contains("offsite --help");
    }

    @Test
    void noCommandPrintsTheUsageAsAnError() {
        CliRun result = CliRun.of();
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("usage: offsite <command>");
    }

    @Test
    void unknownOptionsAndBadValuesExitTwoWithTheCommandsSynopsis() {
        CliRun unknown = CliRun.of("backups", "--serie", "x");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("offsite backups: Unknown options: '--serie', 'x'").contains("Possible solutions: --series").contains("usage: offsite backups")
                .contains("'offsite backups --help' describes every option");

        CliRun timeout = CliRun.of("run", "backup-database", "--timeout", "soon");
        assertThat(timeout.exit()).isEqualTo(2);
        assertThat(timeout.err()).contains("not a duration: 'soon' (use 90s, 10m, 2h or PT10M)").contains("usage: offsite run");

        CliRun port = CliRun.of("local", "--kafka-port", "99999");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--kafka-port").contains("needs a port number between 1 and 65535, got '99999'");

        CliRun missing = CliRun.of("run");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: '<job>'");

        CliRun param = CliRun.of("run", "backup-database", "--param", "novalue");
        assertThat(param.exit()).isEqualTo(2);
        assertThat(param.err()).contains("--param needs key=value, got 'novalue'");

        CliRun type = CliRun.of("request", "archive", "x", "--no-wait");
        assertThat(type.exit()).isEqualTo(2);
        assertThat(type.err()).contains("archive");
    }
}
