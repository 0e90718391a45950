package io.offsite.launcher;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code offsite} command: runs the local system and talks to a running one. */
public final class OffsiteCli {

    static final String USAGE = """
            usage: offsite <command> [options]

              local [--demo] [--data DIR] [--kafka-port N] [--s3-port N] [--postgres-port N] [--http-port N]
                                    run everything in one JVM on embedded infrastructure
              run <job> [--param k=v]... [--no-wait] [--timeout 10m]
                                    trigger a job and wait for its completion
            """;

    private OffsiteCli() {
    }

    public static void main(String[] args) {
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

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof io.offsite.localstack.Ports.PortInUseException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
