package io.offsite.worker;

import io.offsite.events.Topics.JobType;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A worker whose handler does what the request's {@code mode} parameter says, to exercise the runtime. */
@SpringBootApplication
public class RuntimeTestApplication {

    /** Set when a cancelled run's cleanup (its finally block) has run. */
    public static final AtomicBoolean cleanedUp = new AtomicBoolean();

    /** One execution of a {@code work} request: which instance ran which run of which job, and when. */
    public record Execution(String job, String runId, String worker, long startNanos, long endNanos, boolean finished) {
    }

    public static final java.util.List<Execution> executions = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Bean
    JobHandler testHandler() {
        return new JobHandler() {
            @Override
            public JobType jobType() {
                return JobType.VERIFY;
            }

            @Override
            public JobOutcome run(JobContext ctx) throws Exception {
                return switch (ctx.requireParameter("mode")) {
                    case "ok" -> JobOutcome.succeeded("done").withStat("answer", 42);
                    case "work" -> {
                        long start = System.nanoTime();
                        boolean finished = false;
                        try {
                            Thread.sleep(Long.parseLong(ctx.requireParameter("millis")));
                            finished = true;
                            yield JobOutcome.succeeded("worked");
                        } finally {
                            executions.add(new Execution(ctx.jobName(), ctx.runId(), ctx.worker(), start, System.nanoTime(), finished));
                        }
                    }
                    case "partial" -> JobOutcome.partiallyFailed("some rows failed").withStat("rows_failed", 1);
                    case "fail" -> throw new JobFailedException("BAD_PASSWORD", "authentication failed", false);
                    case "boom" -> throw new IllegalStateException("unexpected");
                    case "sleep" -> {
                        try {
                            Thread.sleep(60_000);
                            yield JobOutcome.succeeded("woke up");
                        } finally {
                            cleanedUp.set(true);
                        }
                    }
                    default -> throw new io.offsite.worker.job.JobRejectedException("INVALID_PARAMETER", "unknown mode");
                };
            }
        };
    }
}
