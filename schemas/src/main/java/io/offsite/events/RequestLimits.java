package io.offsite.events;

import io.offsite.events.v1.JobRequested;
import java.util.Map;
import java.util.Optional;

/**
 * The largest request Offsite accepts from the shared bus: every string field and parameter name at most
 * {@code maxNameLength} characters, every parameter value at most {@code maxValueLength}, at most
 * {@code maxParameters} parameters, and no empty or control-character run id or job name. A request past
 * these limits is refused before anything is stored, run or echoed into a completion: the scheduler ignores it
 * and the workers dead-letter it, both with the reason {@link #REASON}.
 *
 * @param maxNameLength  longest run id, job name, job type, requester, causation id and parameter name
 * @param maxValueLength longest parameter value
 * @param maxParameters  most parameters in one request
 */
public record RequestLimits(int maxNameLength, int maxValueLength, int maxParameters) {

    /** The reason a request past the limits is refused with, in counters and dead-letter headers. */
    public static final String REASON = "request-too-large";
    /** The reason a request with an empty or control-character run id or job name is refused with. */
    public static final String INVALID_NAME = "invalid-name";

    public static final RequestLimits DEFAULT = new RequestLimits(256, 4096, 64);

    public RequestLimits {
        if (maxNameLength < 1 || maxValueLength < 1 || maxParameters < 0) {
            throw new IllegalArgumentException("request limits must be positive: " + maxNameLength + ", "
                    + maxValueLength + ", " + maxParameters);
        }
    }

    /** A refused request: the stable reason and a sentence saying which field broke which limit. */
    public record Violation(String reason, String detail) {
    }

    /** What is wrong with {@code request}, or empty when it is within every limit. */
    public Optional<Violation> check(JobRequested request) {
        Optional<Violation> names = checkName("runId", request.getRunId())
                .or(() -> checkName("jobName", request.getJobName()));
        if (names.isPresent()) {
            return names;
        }
        Optional<Violation> fields = length("jobType", request.getJobType(), maxNameLength)
                .or(() -> length("requestedBy", request.getRequestedBy(), maxNameLength))
                .or(() -> length("causationRunId", request.getCausationRunId(), maxNameLength));
        if (fields.isPresent()) {
            return fields;
        }
        Map<String, String> parameters = request.getParameters();
        if (parameters == null) {
            return Optional.empty();
        }
        if (parameters.size() > maxParameters) {
            return Optional.of(new Violation(REASON, parameters.size() + " parameters, at most " + maxParameters
                    + " are accepted"));
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            Optional<Violation> violation = length("parameter name", parameter.getKey(), maxNameLength)
                    .or(() -> length("parameter '" + abbreviate(parameter.getKey()) + "'", parameter.getValue(), maxValueLength));
            if (violation.isPresent()) {
                return violation;
            }
        }
        return Optional.empty();
    }

    /** What is wrong with a run id or job name of any event, or empty: not empty, no control characters, not too long. */
    public Optional<Violation> checkName(String field, CharSequence value) {
        Optional<Violation> tooLong = length(field, value, maxNameLength);
        if (tooLong.isPresent()) {
            return tooLong;
        }
        if (value == null || value.toString().isBlank()) {
            return Optional.of(new Violation(INVALID_NAME, field + " is empty"));
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return Optional.of(new Violation(INVALID_NAME, String.format("%s contains the control character U+%04X at %d",
                        field, (int) value.charAt(i), i)));
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> length(String field, CharSequence value, int limit) {
        if (value != null && value.length() > limit) {
            return Optional.of(new Violation(REASON, field + " has " + value.length() + " characters, at most "
                    + limit + " are accepted"));
        }
        return Optional.empty();
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
