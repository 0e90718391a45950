package io.offsite.events;

import io.offsite.events.v1.JobRequested;
import java.util.Map;
import java.util.Optional;

/**
 * The largest request Offsite takes from the shared bus, and what its identifiers may hold: a run id and job name
 * that are not empty, no control characters in any identifier, every identifier at most {@code fieldLength}
 * characters, parameter names at most {@code parameterNameLength}, values at most {@code parameterValueLength}, at
 * most {@code parameters} parameters. A request past them cannot be answered safely (its fields would be echoed
 * into a completion, a metric or a log line): the workers dead-letter it and the scheduler ignores it, both with
 * the same reason. Refusals name fields and sizes, never the offending content.
 *
 * <p>The one definition of these rules; the workers take the sizes from {@code offsite.worker.limits.*}, the
 * scheduler uses {@link #DEFAULT}.
 *
 * @param fieldLength          longest run id, job name, job type, requester or causation id, in characters
 * @param parameterNameLength  longest parameter name
 * @param parameterValueLength longest parameter value
 * @param parameters           most parameters in one request
 */
public record RequestLimits(int fieldLength, int parameterNameLength, int parameterValueLength, int parameters) {

    public static final String INVALID_IDENTIFIER = "invalid-identifier";
    public static final String FIELD_TOO_LONG = "field-too-long";
    public static final String PARAMETER_TOO_LONG = "parameter-too-long";
    public static final String TOO_MANY_PARAMETERS = "too-many-parameters";

    public static final RequestLimits DEFAULT = new RequestLimits(256, 256, 4096, 64);

    public RequestLimits {
        if (fieldLength < 1 || parameterNameLength < 1 || parameterValueLength < 1 || parameters < 0) {
            throw new IllegalArgumentException("request limits must be positive: " + fieldLength + ", "
                    + parameterNameLength + ", " + parameterValueLength + ", " + parameters);
        }
    }

    /** Why a request or event is refused: a stable lower-case {@code reason} for counters and headers, and a sentence. */
    public record Violation(String reason, String detail) {
    }

    /** What is wrong with {@code request}, or empty when it is within every limit. */
    public Optional<Violation> check(JobRequested request) {
        return firstOf(
                identifier("runId", request.getRunId(), true),
                identifier("jobName", request.getJobName(), true),
                identifier("jobType", request.getJobType(), false),
                identifier("requestedBy", request.getRequestedBy(), false),
                identifier("causationRunId", request.getCausationRunId(), false),
                parameters(request.getParameters()));
    }

    /** What is wrong with a required identifier (run id, job name) of any event, or empty. */
    public Optional<Violation> checkIdentifier(String field, CharSequence value) {
        return identifier(field, value, true);
    }

    private Optional<Violation> identifier(String field, CharSequence value, boolean required) {
        if (value == null || value.length() == 0) {
            return required ? Optional.of(new Violation(INVALID_IDENTIFIER, "the " + field + " is empty")) : Optional.empty();
        }
        if (value.length() > fieldLength) {
            return Optional.of(new Violation(FIELD_TOO_LONG, "the " + field + " has " + value.length()
                    + " characters; at most " + fieldLength + " are accepted"));
        }
        int control = firstControlChar(value);
        if (control >= 0) {
            return Optional.of(new Violation(INVALID_IDENTIFIER, String.format(
                    "the %s holds the control character U+%04X at index %d", field, (int) value.charAt(control), control)));
        }
        return Optional.empty();
    }

    private Optional<Violation> parameters(Map<String, String> parameters) {
        if (parameters == null) {
            return Optional.empty();
        }
        if (parameters.size() > this.parameters) {
            return Optional.of(new Violation(TOO_MANY_PARAMETERS, "the request has " + parameters.size()
                    + " parameters; at most " + this.parameters + " are accepted"));
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String name = parameter.getKey() == null ? "" : parameter.getKey();
            String value = parameter.getValue() == null ? "" : parameter.getValue();
            if (name.length() > parameterNameLength) {
                return Optional.of(new Violation(PARAMETER_TOO_LONG, "a parameter name has " + name.length()
                        + " characters; at most " + parameterNameLength + " are accepted"));
            }
            if (value.length() > parameterValueLength) {
                String named = firstControlChar(name) < 0 ? "parameter '" + name + "'" : "a parameter";
                return Optional.of(new Violation(PARAMETER_TOO_LONG, "the value of " + named + " has " + value.length()
                        + " characters; at most " + parameterValueLength + " are accepted"));
            }
        }
        return Optional.empty();
    }

    /** Index of the first ISO control character (or line/paragraph separator), or -1. */
    static int firstControlChar(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return -1;
    }

    @SafeVarargs
    private static Optional<Violation> firstOf(Optional<Violation>... checks) {
        for (Optional<Violation> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }
}
