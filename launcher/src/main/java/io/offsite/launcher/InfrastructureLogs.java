package io.offsite.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded infrastructure's own log goes while the local system runs: the broker, S3Proxy, PostgreSQL and
 * the Kafka clients log at INFO into {@code <data>/logs/infrastructure.log}; the console keeps only their warnings
 * (logback.xml), so it shows the banner, the services' job lines and real problems.
 */
final class InfrastructureLogs {

    /** The loggers logback.xml sends to the console at WARN only (additivity off): keep the two lists equal. */
    static final List<String> LOGGERS = List.of("org.apache.kafka", "kafka", "state.change.logger", "org.gaul",
            "io.zonky", "org.eclipse.jetty");

    static final String FILE_NAME = "infrastructure.log";

    private static final String APPENDER = "INFRASTRUCTURE_FILE";

    private InfrastructureLogs() {
    }

    /** Appends the infrastructure loggers to {@code folder/infrastructure.log} at INFO; returns the file. */
    static Path toFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(FILE_NAME);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file; // another logging backend: leave its configuration alone
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        for (String name : LOGGERS) {
            Logger logger = context.getLogger(name);
            logger.setLevel(Level.INFO);
            logger.detachAppender(APPENDER); // a system started earlier in this JVM wrote elsewhere
            logger.addAppender(appender);
        }
        return file;
    }
}
