package io.offsite.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code offsite infra}: only the embedded Kafka broker, S3 API and PostgreSQL, until Ctrl-C. */
@Command(name = "infra", header = "run only the embedded Kafka broker, S3 API and PostgreSQL, until Ctrl-C",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run only the embedded Kafka broker, S3 API and PostgreSQL, on loopback, until Ctrl-C.")
final class InfraCommand implements Callable<Integer> {

    @Mixin
    LocalSettings settings = new LocalSettings();

    @Override
    public Integer call() throws Exception {
        LocalOptions options = settings.options(false);
        LocalSystem system = new LocalSystem(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }, "offsite-shutdown"));
        try {
            system.startInfrastructure();
        } catch (RuntimeException e) {
            System.err.println("offsite: cannot start: " + OffsiteCli.rootMessage(e));
            system.close();
            return OffsiteCli.FAILED;
        }
        System.out.printf("Kafka %s and S3 %s%s are running (data in %s). Ctrl-C stops them.%n",
                options.bootstrapServers(), options.s3Endpoint(), options.postgres() ? " and PostgreSQL 127.0.0.1:" + options.postgresPort() : "",
                options.dataDir());
        System.out.println("  Kafka           " + system.kafkaBanner());
        System.out.println("  Logs            " + system.infrastructureLog());
        stopped.await();
        return -1;
    }
}
