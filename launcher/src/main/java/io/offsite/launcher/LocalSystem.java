package io.offsite.launcher;

import io.offsite.backup.BackupWorkerApplication;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.events.TopicSettings;
import io.offsite.events.Topics.JobType;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.localstack.kafka.KafkaBroker;
import io.offsite.localstack.kafka.KafkaCredentials;
import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.postgres.PostgresServer;
import io.offsite.localstack.s3.S3Server;
import io.offsite.replication.ReplicationWorkerApplication;
import io.offsite.rotation.RotationWorkerApplication;
import io.offsite.scheduler.SchedulerApplication;
import io.offsite.scheduler.config.SchedulerProperties;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system in one JVM on embedded defaults: a Kafka broker, S3Proxy, PostgreSQL and the four services,
 * each in its own Spring context with its own settings — the same code that runs in production.
 */
final class LocalSystem implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalSystem.class);

    private final LocalOptions options;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String tokenSource = "not yet created";
    /** The role the replication worker writes as. */
    private PostgresEndpoint replication;
    /** The Kafka users and passwords of a secure system; null while open or not started. */
    private KafkaCredentials kafkaCredentials;
    /** Where the broker's, S3Proxy's and PostgreSQL's own INFO log goes. */
    private Path infrastructureLog;
    private List<String> ageRecipients = List.of();

    LocalSystem(LocalOptions options) {
        this.options = options;
    }

    /** Starts the embedded Kafka broker, S3 API and PostgreSQL (unless {@code POSTGRES_HOST} names a server). */
    PostgresEndpoint startInfrastructure() throws IOException {
        Path data = options.dataDir();
        ensureWritable(data);
        infrastructureLog = InfrastructureLogs.toFolder(data.resolve("logs"));
        started.push(startKafka(data));
        started.push(S3Server.start(data, options.s3Port()));
        return startPostgres(data);
    }

    void start() throws IOException {
        Path data = options.dataDir();
        PostgresEndpoint postgres = startInfrastructure();
        Path database = data.resolve("pokemon-data.sqlite3.db");
        if (DemoDatabase.createIfMissing(database)) {
            log.info("Created the demo database {} ({} sets, {} cards)", database, DemoDatabase.DEFAULT_SETS, DemoDatabase.DEFAULT_CARDS);
        }

        List<String> common = List.of(
                "--spring.kafka.bootstrap-servers=" + options.bootstrapServers(),
                "--offsite.s3.endpoint=" + options.s3Endpoint(),
                "--OFFSITE_DATA_DIR=" + data,
                "--spring.main.register-shutdown-hook=false",
                // the launcher stops the services itself; logging must outlive them (no "No appenders present" at Ctrl-C)
                "--logging.register-shutdown-hook=false",
                "--spring.main.banner-mode=off",
                "--spring.main.log-startup-info=false");
        Path tokenFile = data.resolve(ApiToken.FILE_NAME);
        String token = ApiToken.forLocalSystem(tokenFile);
        tokenSource = System.getenv(ApiToken.VARIABLE) != null && !System.getenv(ApiToken.VARIABLE).isBlank()
                ? "from " + ApiToken.VARIABLE : "in " + tokenFile + " (bin/offsite run sends it)";
        ConfigurableApplicationContext scheduler = startService("scheduler-service", SchedulerApplication::application, common,
                options.schedulerPort(), kafkaLogin(Role.SCHEDULER), "--offsite.scheduler.api-token=" + token);
        // each worker expects the scheduler's jobs of its types: it knows their names from the start (metrics at 0);
        // other systems' jobs are still run, as on a shared bus
        Map<JobType, List<String>> jobs = jobsByType(scheduler.getBean(SchedulerProperties.class));
        List<String> backupSettings = new ArrayList<>(List.of("--offsite.backup.temp-dir=" + data.resolve("tmp"),
                expectedJobs(jobs, JobType.BACKUP, JobType.VERIFY)));
        backupSettings.addAll(encryption());
        startService("backup-worker", BackupWorkerApplication::application, common, options.backupPort(),
                kafkaLogin(Role.BACKUP_WORKER), backupSettings.toArray(String[]::new));
        if (postgres == null) {
            throw new UsageException("the replication worker needs PostgreSQL: drop --no-postgres or set POSTGRES_HOST");
        }
        startService("rotation-worker", RotationWorkerApplication::application, common, options.rotationPort(),
                kafkaLogin(Role.ROTATION_WORKER), expectedJobs(jobs, JobType.ROTATION));
        startService("replication-worker", ReplicationWorkerApplication::application, common, options.replicationPort(),
                kafkaLogin(Role.REPLICATION_WORKER), "--POSTGRES_HOST=" + postgres.host(), "--POSTGRES_PORT=" + postgres.port(), "--POSTGRES_DB=" + postgres.database(),
                "--POSTGRES_USER=" + replication.user(), "--POSTGRES_PASSWORD=" + replication.password(),
                expectedJobs(jobs, JobType.REPLICATION));
    }

    /**
     * With {@code --encrypt}: the identity file (created if missing, owner only) and the backup worker's setting that
     * encrypts every source to it; the worker gets the public key alone. Without: nothing (backups in clear).
     */
    private List<String> encryption() throws IOException {
        if (!options.encrypt()) {
            return List.of();
        }
        Path file = options.ageIdentity();
        try {
            if (AgeIdentity.createIfMissing(file, java.time.Clock.systemUTC())) {
                log.info("Created the age identity {} (owner only): keep a copy, losing it loses the encrypted backups", file);
            }
            AgeIdentity identity = AgeIdentity.load(file);
            if (identity.recipients().isEmpty()) {
                throw new UsageException(file + " names no recipient: add its '# public key: age1…' line (age-keygen -y " + file + " prints it)");
            }
            ageRecipients = identity.recipients();
            return List.of("--offsite.backup.encryption.recipients=" + String.join(",", identity.recipients()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + "; move it away to have a new identity created (backups encrypted to it need it)");
        }
    }

    /** The banner's encryption line. */
    String encryptionBanner() {
        if (!options.encrypt()) {
            return "";
        }
        return String.format("  Encryption      age, every source to %s%n"
                + "                  identity %s (owner only): keep a copy elsewhere; losing it loses the backups%n"
                + "                  restore with: bin/offsite restore --identity %s --to restored.db%n",
                ageRecipients.isEmpty() ? "?" : ageRecipients.get(0), options.ageIdentity(), options.ageIdentity());
    }

    /** The scheduler's enabled and disabled jobs by type, as it configured them. */
    static Map<JobType, List<String>> jobsByType(SchedulerProperties scheduler) {
        Map<JobType, List<String>> jobs = new EnumMap<>(JobType.class);
        new TreeMap<>(scheduler.jobs()).forEach((name, job) -> {
            if (job.type() != null) {
                jobs.computeIfAbsent(JobType.parse(job.type()), t -> new ArrayList<>()).add(name);
            }
        });
        return jobs;
    }

    /** {@code offsite.worker.expected-jobs}: the jobs of {@code types}; none when there are none. */
    static String expectedJobs(Map<JobType, List<String>> jobs, JobType... types) {
        List<String> names = new ArrayList<>();
        for (JobType type : types) {
            names.addAll(jobs.getOrDefault(type, List.of()));
        }
        return "--offsite.worker.expected-jobs=" + String.join(",", names);
    }

    /**
     * The embedded broker: secure unless {@code --open}, with a SCRAM user per service and least-privilege ACLs, their
     * passwords made up on first start and kept in {@link LocalOptions#kafkaCredentials()} (owner only).
     */
    private KafkaBroker startKafka(Path data) {
        Path file = options.kafkaCredentials();
        if (options.open()) {
            KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), options.kafkaPort());
            // the command line reads the file to log in: tell it the broker is open now, keep the passwords for later
            KafkaCredentials.load(file).ifPresent(c -> c.save(options.bootstrapServers(), "PLAINTEXT"));
            log.warn("Kafka is OPEN on {}: no authentication, no ACLs; anyone who reaches it can publish requests and "
                    + "forged completions. For experiments only.", options.bootstrapServers());
            return broker;
        }
        KafkaCredentials credentials = KafkaCredentials.loadOrGenerate(file);
        KafkaBroker broker = KafkaBroker.startSecure(data.resolve("kafka"), options.kafkaPort(), credentials.adminPassword());
        try (Admin admin = broker.admin()) {
            KafkaProvisioning.provision(admin, TopicSettings.DEFAULTS, credentials.passwords());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        kafkaCredentials = credentials.save(options.bootstrapServers(), KafkaAccess.SASL_PLAINTEXT);
        return broker;
    }

    /** How {@code service} logs in to Kafka: its own user when secure; nothing when open. */
    private List<String> kafkaLogin(Role role) {
        if (kafkaCredentials == null) {
            return List.of();
        }
        return List.of("--KAFKA_SECURITY_PROTOCOL=" + KafkaAccess.SASL_PLAINTEXT, "--KAFKA_SASL_MECHANISM=" + KafkaAccess.SCRAM,
                "--KAFKA_USERNAME=" + role.user(), "--KAFKA_PASSWORD=" + kafkaCredentials.password(role));
    }

    private PostgresEndpoint startPostgres(Path data) {
        if (!options.postgres()) {
            return null;
        }
        String host = System.getenv("POSTGRES_HOST");
        if (host != null && !host.isBlank()) {
            PostgresEndpoint external = new PostgresEndpoint(host, Integer.parseInt(LocalOptions.env("POSTGRES_PORT", "5432")),
                    LocalOptions.env("POSTGRES_DB", PostgresEndpoint.DEFAULT_DATABASE), LocalOptions.env("POSTGRES_USER", PostgresEndpoint.DEFAULT_USER),
                    LocalOptions.env("POSTGRES_PASSWORD", PostgresEndpoint.DEFAULT_PASSWORD));
            log.info("Using the PostgreSQL server at {}", external);
            replication = external;
            return external;
        }
        PostgresServer server = PostgresServer.start(data, options.postgresPort());
        started.push(server);
        replication = server.replicator(); // not a superuser: creates and owns the replica tables only
        return server.endpoint();
    }

    private ConfigurableApplicationContext startService(String name, Supplier<SpringApplication> application, List<String> common,
                                                        int port, List<String> kafkaLogin, String... extra) {
        List<String> args = new ArrayList<>(common);
        args.add("--server.port=" + port);
        args.add("--server.address=127.0.0.1"); // never reachable from other machines
        args.addAll(kafkaLogin);
        args.addAll(List.of(extra));
        long begin = System.nanoTime();
        ConfigurableApplicationContext context = application.get().run(args.toArray(String[]::new));
        started.push(context::close);
        log.info("{} started on http://127.0.0.1:{} in {} ms", name, port, (System.nanoTime() - begin) / 1_000_000);
        return context;
    }

    void printEndpoints() {
        printEndpoints(System.out);
    }

    void printEndpoints(PrintStream out) {
        String postgres = System.getenv("POSTGRES_HOST") != null ? System.getenv("POSTGRES_HOST") : "127.0.0.1:" + options.postgresPort();
        out.printf("""

                Offsite is running (data in %s). Ctrl-C stops it.
                  Scheduler API   http://127.0.0.1:%d/api/v1/jobs
                  API token       %s
                  Kafka           %s
                  S3 (S3Proxy)    %s  bucket offsite-backups, access key offsite, secret offsite-secret
                  PostgreSQL      %s  database pokemon_tcg, user pokemon, password pokemon
                  Metrics         http://127.0.0.1:{%d,%d,%d,%d}/actuator/prometheus
                  Demo database   %s
                  Logs            %s (Kafka, S3Proxy, PostgreSQL)
                %s
                Try:  bin/offsite run backup-database

                """, options.dataDir(), options.schedulerPort(), tokenSource, kafkaBanner(), options.s3Endpoint(), postgres,
                options.schedulerPort(), options.backupPort(), options.rotationPort(), options.replicationPort(),
                options.dataDir().resolve("pokemon-data.sqlite3.db"), infrastructureLog, encryptionBanner());
    }

    Path infrastructureLog() {
        return infrastructureLog;
    }

    /** The banner's Kafka line: where credentials are, or that it is open. */
    String kafkaBanner() {
        if (options.open()) {
            return options.bootstrapServers() + "  Kafka: OPEN, no authentication — for experiments only";
        }
        return options.bootstrapServers() + "  SASL_PLAINTEXT SCRAM-SHA-512, one user per service; passwords in "
                + options.kafkaCredentials() + " (owner only)";
    }

    private static void ensureWritable(Path data) throws IOException {
        try {
            Files.createDirectories(data.resolve("tmp"));
            Path probe = Files.createTempFile(data, ".write-check", "");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot write to the data folder " + data + ": permission denied. "
                    + "Choose another folder with --data DIR (or OFFSITE_DATA_DIR), or fix its permissions.");
        } catch (FileSystemException e) {
            // not a folder, a read-only file system, no space: say which path and what the system answered
            throw new UsageException("cannot write to the data folder " + data + ": " + e.getFile()
                    + (e.getReason() == null ? "" : " (" + e.getReason() + ")")
                    + ". Choose another folder with --data DIR (or OFFSITE_DATA_DIR).");
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("could not stop a component cleanly: {}", e.toString());
            }
        }
    }
}
