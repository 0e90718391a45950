package io.offsite.launcher;

import java.io.PrintStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code offsite} command: runs the local system and talks to a running one. One class per command, parsed by
 * picocli; every command's {@code --help} is generated from its options.
 *
 * <p>Exit codes: 0 done; 1 failed (the job failed, a part of the system cannot be reached, the input cannot be read);
 * 2 the command line is wrong (unknown command or option, bad value: the message says what to type); 3 (run, request)
 * the job partly failed. {@code local} and {@code infra} keep running until stopped.
 */
@Command(name = "offsite", mixinStandardHelpOptions = true, versionProvider = OffsiteCli.Version.class,
        synopsisHeading = "usage: ", customSynopsis = "offsite <command> [options]    (offsite <command> --help: its options)",
        description = "Runs Offsite's local system and talks to a running one.",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n", footer = {"Exit status: 0 done, 1 failed (job failed, infrastructure unreachable, unreadable input),",
                "2 wrong command line (unknown command or option, bad value), 3 the job partly failed (run, request)."})
public final class OffsiteCli implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    private OffsiteCli() {
    }

    public static void main(String[] args) {
        int code = run(List.of(args), System.out, System.err);
        System.out.flush();
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** Runs a command; returns the exit code, or -1 when the command keeps running (local, infra). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        String only = args.isEmpty() ? null : args.get(0);
        return commandLine(out, err, new InputStreamReader(System.in, StandardCharsets.UTF_8), Clock.systemUTC(), only)
                .execute(args.toArray(String[]::new));
    }

    /** The whole command line, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(out, err, new InputStreamReader(System.in, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    /** The whole command line with {@code in} as standard input and {@code clock} as now. */
    static CommandLine commandLine(PrintStream out, PrintStream err, Reader in, Clock clock) {
        return commandLine(out, err, in, clock, null);
    }

    /**
     * The command line; when {@code only} names a command, with that command alone (what {@code offsite <command>}
     * needs: picocli reads the options of no other command), else with every command.
     */
    private static CommandLine commandLine(PrintStream out, PrintStream err, Reader in, Clock clock, String only) {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("local", LocalCommand::new);
        commands.put("infra", InfraCommand::new);
        commands.put("run", () -> new RunCommand(out, err));
        commands.put("request", () -> new RequestCommand(out, err));
        commands.put("backups", () -> new BackupsCommand(out, err));
        commands.put("restore", () -> new RestoreCommand(out, err));
        commands.put("plan-retention", () -> new PlanRetentionCommand(in, out, err, clock));
        commands.put("schema", () -> new SchemaCommand(out, err));
        commands.put("kafka-setup", () -> new KafkaSetupCommand(out, System.getenv()));
        commands.put("generate-demo", () -> new GenerateDemoCommand(out));
        commands.put("help", CommandLine.HelpCommand::new);
        commands.put("warm-up", WarmUpCommand::new);
        CommandLine cli = new CommandLine(new OffsiteCli());
        if (only != null && commands.containsKey(only) && !only.equals("help")) {
            cli.addSubcommand(only, commands.get(only).get());
        } else {
            commands.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().synopsisHeading("usage: ");
            sub.getCommandSpec().versionProvider(new Version());
            // a command's header is its line in the list of commands; its own help starts with its usage
            List<String> sections = new ArrayList<>(sub.getHelpSectionKeys());
            sections.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
            sub.setHelpSectionKeys(sections);
        }
        cli.setParameterExceptionHandler(OffsiteCli::usageError);
        cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line.getErr()));
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(120);
        return cli;
    }

    /**
     * Reads {@code args} into {@code command}, as {@code offsite <command> args} would, for callers that run one
     * command directly; a command line picocli cannot read throws {@link UsageException} with picocli's message.
     */
    static <T> T parse(T command, List<String> args) {
        try {
            new CommandLine(command).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return command;
    }

    /** {@code offsite} alone: the usage, as a wrong command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The top-level usage: the commands and what they do. */
    static String usage() {
        return commandLine(System.out, System.err).getUsageMessage();
    }

    /** A command line picocli could not read, or a value a command refused: what was wrong and how it is used. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        if (e instanceof UnmatchedArgumentException unmatched && line.getParent() == null && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            err.println("offsite: unknown command '" + unmatched.getUnmatched().get(0) + "'; the commands are "
                    + String.join(", ", commandNames(line)) + " (offsite --help describes them)");
            return USAGE;
        }
        String name = line.getParent() == null ? "offsite" : "offsite " + line.getCommandName();
        err.println(name + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        CommandLine.Help help = line.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("'" + name + " --help' describes every option.");
        return USAGE;
    }

    private static List<String> commandNames(CommandLine line) {
        List<String> names = new ArrayList<>();
        line.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help") && !sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        return names;
    }

    /** A command that threw: a wrong command line (2) or a failure (1), with its message only. */
    static int failure(Exception e, PrintWriter err) {
        if (e instanceof UsageException) {
            err.println("offsite: " + e.getMessage());
            return USAGE;
        }
        err.println("offsite: " + rootMessage(e));
        return FAILED;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof io.offsite.localstack.Ports.PortInUseException)
                && !(t instanceof CommandFailure)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** {@code --version}: the launcher's version and the Java it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OffsiteCli.class.getPackage().getImplementationVersion();
            return new String[] {"offsite " + (version == null ? "(development build)" : version) + ", Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
