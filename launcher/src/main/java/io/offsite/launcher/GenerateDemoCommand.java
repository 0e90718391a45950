package io.offsite.launcher;

import io.offsite.localstack.demo.DemoDatabase;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code offsite generate-demo <file>}: writes a demo SQLite database of trading cards. */
@Command(name = "generate-demo", header = "write a demo SQLite database (15,000 cards by default)",
        mixinStandardHelpOptions = true, description = "Write a demo SQLite database (the one 'local' backs up).")
final class GenerateDemoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<file>", description = "the database file to write")
    Path file;

    @Option(names = "--cards", paramLabel = "N", converter = Positive.class, description = "cards (default: ${DEFAULT-VALUE})")
    int cards = DemoDatabase.DEFAULT_CARDS;

    @Option(names = "--sets", paramLabel = "N", converter = Positive.class, description = "sets (default: ${DEFAULT-VALUE})")
    int sets = DemoDatabase.DEFAULT_SETS;

    private final PrintStream out;

    GenerateDemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        DemoDatabase.create(file, sets, cards, 42L);
        out.printf("created %s: %d sets, %d cards in %.1f s%n", file, sets, cards, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** A positive whole number. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("needs a positive number, got '" + value + "'");
        }
    }
}
