package io.offsite.worker.job;

import io.offsite.events.Topics.JobType;

/**
 * The bean a worker declares, one per job type it runs. The runtime consumes the request topic of
 * {@link #jobType()} in the consumer group {@code offsite-<type>-workers}, publishes
 * {@code JobStarted}, calls {@link #run(JobContext)} within the request's deadline and publishes
 * {@code JobCompleted} with what it returns or throws:
 * <ul>
 *   <li>a returned {@link JobOutcome}: {@code SUCCEEDED} or {@code PARTIALLY_FAILED} with artifacts and stats;</li>
 *   <li>{@link JobRejectedException}: {@code REJECTED} (the request can never succeed as sent: unknown source,
 *       bad parameter);</li>
 *   <li>{@link JobFailedException}: {@code FAILED}, retryable or not as it says;</li>
 *   <li>interruption at the deadline: {@code TIMED_OUT} (retryable); the handler must clean up in
 *       {@code finally} blocks and stop promptly when interrupted;</li>
 *   <li>any other exception: {@code FAILED}, retryable, with the exception as the reason.</li>
 * </ul>
 */
public interface JobHandler {

    JobType jobType();

    JobOutcome run(JobContext context) throws Exception;
}
