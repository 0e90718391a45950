package io.offsite.launcher;

import io.offsite.events.EventTrust;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.rotation.cli.PlanRetention;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code offsite} command: runs the local system and talks to a running one. */
public final class OffsiteCli {

    static final String USAGE = """
            usage: offsite <command> [options]

              local [--demo] [--open] [--data DIR] [--kafka-port N] [--s3-port N] [--postgres-port N] [--http-port N]
                                    run everything in one JVM on embedded infrastructure; Kafka users and their
                                    passwords in DIR/kafka-credentials.properties (--open: Kafka without authentication)
              run <job> [--param k=v]... [--no-wait] [--timeout 10m] [--token-file FILE] [--kafka-credentials FILE]
                                    trigger a job through the scheduler and wait for its completion
              request <type> <job> [--param k=v]... [--no-wait] [--timeout 10m] [--kafka-credentials FILE]
                                    publish a job request straight to Kafka, as another system would
              infra [--open] [--data DIR] [--kafka-port N] [--s3-port N] [--postgres-port N] [--no-postgres]
                                    run only the embedded Kafka broker, S3 API and PostgreSQL
              kafka-setup           create Offsite's topics, Kafka users and ACLs on a broker (from environment variables)
              plan-retention [--semantics calendar|restic] [--zone ZONE] [--keep-last N] [--keep-hourly N]
                             [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]
                             [--keep-within DURATION] [--minimum N]
                                    read backups (instants or keys) on stdin, print keep/delete per line
              schema <JobRequested|JobStarted|JobCompleted> [--example]
                                    print an event's self-contained Avro schema (.avsc) on stdout, its fingerprint on stderr
              generate-demo <file> [--cards N] [--sets N]
                                    write a demo SQLite database (15,000 cards by default)
              restore [--series S] [--key K | --latest | --as-of INSTANT] (--to PATH | --to-postgres JDBC_URL)
                      [--password-file FILE] [--force] [--safety-dir DIR] [--temp-dir DIR]
                                    check a backup and restore it; the current database is kept as <name>.pre-restore-<instant>
              backups [--series S]  list backups with size, age, checksum and verification state
            """;

    private OffsiteCli() {
    }

    public static void main(String[] args) {
        EventTrust.install();
        int code = run(Arrays.asList(args), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** Runs a command; returns the exit code, or -1 when the command keeps running (local). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "local" -> local(LocalOptions.parse(rest));
                case "run" -> new RunCommand(out, err).run(rest);
                case "request" -> new RequestCommand(out, err).run(rest);
                case "infra" -> infra(LocalOptions.parse(rest));
                case "generate-demo" -> generateDemo(rest, out);
                case "schema" -> new SchemaCommand(out, err).run(rest);
                case "restore" -> new RestoreCommand(out, err).run(rest);
                case "backups" -> new BackupsCommand(out, err).run(rest);
                case "kafka-setup" -> new KafkaSetupCommand(out, System.getenv()).run(rest);
                case "plan-retention" -> PlanRetention.run(rest.toArray(String[]::new),
                        new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8), out, err, java.time.Clock.systemUTC());
                default -> throw new UsageException("unknown command '" + args.get(0) + "'\n" + USAGE);
            };
        } catch (UsageException e) {
            err.println("offsite: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("offsite: " + rootMessage(e));
            return 1;
        }
    }

    private static int local(LocalOptions options) throws Exception {
        LocalSystem system = new LocalSystem(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Offsite...");
            system.close();
            stopped.countDown();
        }, "offsite-shutdown"));
        try {
            system.start();
        } catch (RuntimeException e) {
            System.err.println("offsite: cannot start: " + rootMessage(e));
            system.close();
            return 1;
        }
        system.printEndpoints();
        if (options.demo()) {
            Demo.run(options, System.out);
        }
        stopped.await();
        return -1;
    }

    private static int infra(LocalOptions options) throws Exception {
        LocalSystem system = new LocalSystem(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }, "offsite-shutdown"));
        try {
            system.startInfrastructure();
        } catch (RuntimeException e) {
            System.err.println("offsite: cannot start: " + rootMessage(e));
            system.close();
            return 1;
        }
        System.out.printf("Kafka %s and S3 %s%s are running (data in %s). Ctrl-C stops them.%n",
                options.bootstrapServers(), options.s3Endpoint(), options.postgres() ? " and PostgreSQL 127.0.0.1:" + options.postgresPort() : "",
                options.dataDir());
        System.out.println("  Kafka           " + system.kafkaBanner());
        stopped.await();
        return -1;
    }

    private static int generateDemo(List<String> args, PrintStream out) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            throw new UsageException("usage: offsite generate-demo <file> [--cards N] [--sets N]");
        }
        int cards = DemoDatabase.DEFAULT_CARDS;
        int sets = DemoDatabase.DEFAULT_SETS;
        for (int i = 1; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--cards" -> cards = positive(LocalOptions.value(args, ++i, "--cards"), "--cards");
                case "--sets" -> sets = positive(LocalOptions.value(args, ++i, "--sets"), "--sets");
                default -> throw new UsageException("unknown option for 'generate-demo': " + args.get(i));
            }
        }
        long start = System.nanoTime();
        java.nio.file.Path file = java.nio.file.Path.of(args.get(0));
        DemoDatabase.create(file, sets, cards, 42L);
        out.printf("created %s: %d sets, %d cards in %.1f s%n", file, sets, cards, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs a positive number, got '" + value + "'");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof io.offsite.localstack.Ports.PortInUseException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
