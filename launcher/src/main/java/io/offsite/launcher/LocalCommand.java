package io.offsite.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code offsite local}: every part of Offsite in this JVM, on embedded infrastructure, until Ctrl-C. */
@Command(name = "local", header = "run everything in one JVM on embedded infrastructure, loopback only, until Ctrl-C",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run everything in one JVM on embedded infrastructure (Kafka, S3Proxy, PostgreSQL and the four services),",
                "on loopback only, until Ctrl-C. Kafka users and their passwords are in DIR/kafka-credentials.properties."})
final class LocalCommand implements Callable<Integer> {

    @Mixin
    LocalSettings settings = new LocalSettings();

    @Option(names = "--demo", description = "run the demo once the system is up: a backup, its rotation, a replication")
    boolean demo;

    @Option(names = "--encrypt", description = "encrypt every source's backups with age to DIR/" + LocalOptions.AGE_IDENTITY_FILE
            + " (created if missing, owner only): keep a copy, losing it loses the backups")
    boolean encrypt;

    @Override
    public Integer call() throws Exception {
        LocalOptions options = encrypt ? settings.options(demo).withEncryption() : settings.options(demo);
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
            System.err.println("offsite: cannot start: " + OffsiteCli.rootMessage(e));
            system.close();
            return OffsiteCli.FAILED;
        }
        system.printEndpoints();
        if (options.demo()) {
            Demo.run(options, System.out);
        }
        stopped.await();
        return -1;
    }
}
