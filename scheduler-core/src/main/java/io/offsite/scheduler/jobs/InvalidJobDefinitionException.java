package io.offsite.scheduler.jobs;

/** A job definition that cannot be used; the message names the job and the field. */
public class InvalidJobDefinitionException extends IllegalArgumentException {

    private final String job;
    private final String field;

    public InvalidJobDefinitionException(String job, String field, String reason) {
        this(job, field, reason, null);
    }

    public InvalidJobDefinitionException(String job, String field, String reason, Throwable cause) {
        super("job '" + job + "', field '" + field + "': " + reason, cause);
        this.job = job;
        this.field = field;
    }

    public String job() {
        return job;
    }

    public String field() {
        return field;
    }
}
