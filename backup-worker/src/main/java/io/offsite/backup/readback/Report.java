package io.offsite.backup.readback;

import org.slf4j.helpers.MessageFormatter;

/** Where a restore or a verification tells a person what it is doing, one line at a time, with {@code {}} placeholders. */
@FunctionalInterface
public interface Report {

    void line(String format, Object... args);

    /** A report printing each line to a stream, e.g. the console of the {@code offsite} command. */
    static Report to(java.io.PrintStream out) {
        return (format, args) -> out.println(MessageFormatter.arrayFormat(format, args).getMessage());
    }
}
