package io.offsite.worker.runtime;

import io.offsite.events.v1.JobRequested;
import io.offsite.worker.config.WorkerProperties;
import java.util.Map;
import java.util.Optional;

/**
 * What a request may hold before the worker looks at it: identifiers that are non-empty and free of control
 * characters, and fields and parameters within the configured sizes. A request past them cannot be answered
 * safely (its fields would be echoed into a completion or a log line), so it is dead-lettered, never completed.
 * The refusals name fields and sizes, never the offending content.
 */
public final class RequestLimits {

    /** Why a request is refused: a stable lower-case {@code reason} for metric tags and headers, and a sentence. */
    public record Refusal(String reason, String message) {
    }

    public static final String INVALID_IDENTIFIER = "invalid-identifier";
    public static final String FIELD_TOO_LONG = "field-too-long";
    public static final String PARAMETER_TOO_LONG = "parameter-too-long";
    public static final String TOO_MANY_PARAMETERS = "too-many-parameters";

    private final WorkerProperties.Limits limits;

    public RequestLimits(WorkerProperties.Limits limits) {
        this.limits = limits;
    }

    public Optional<Refusal> check(JobRequested request) {
        return firstOf(
                identifier("runId", request.getRunId(), true),
                identifier("jobName", request.getJobName(), true),
                identifier("jobType", request.getJobType(), false),
                identifier("requestedBy", request.getRequestedBy(), false),
                identifier("causationRunId", request.getCausationRunId(), false),
                parameters(request.getParameters()));
    }

    private Optional<Refusal> identifier(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            return required ? Optional.of(new Refusal(INVALID_IDENTIFIER, "the request's " + field + " is empty"))
                    : Optional.empty();
        }
        if (value.length() > limits.fieldLength()) {
            return Optional.of(new Refusal(FIELD_TOO_LONG, "the request's " + field + " has " + value.length()
                    + " chars; at most " + limits.fieldLength() + " are accepted (offsite.worker.limits.field-length)"));
        }
        int control = firstControlChar(value);
        if (control >= 0) {
            return Optional.of(new Refusal(INVALID_IDENTIFIER, String.format(
                    "the request's %s holds the control character U+%04X at index %d", field, (int) value.charAt(control), control)));
        }
        return Optional.empty();
    }

    private Optional<Refusal> parameters(Map<String, String> parameters) {
        if (parameters == null) {
            return Optional.empty();
        }
        if (parameters.size() > limits.parameters()) {
            return Optional.of(new Refusal(TOO_MANY_PARAMETERS, "the request has " + parameters.size()
                    + " parameters; at most " + limits.parameters() + " are accepted (offsite.worker.limits.parameters)"));
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String name = parameter.getKey() == null ? "" : parameter.getKey();
            String value = parameter.getValue() == null ? "" : parameter.getValue();
            if (name.length() > limits.parameterNameLength()) {
                return Optional.of(new Refusal(PARAMETER_TOO_LONG, "a parameter name has " + name.length() + " chars; at most "
                        + limits.parameterNameLength() + " are accepted (offsite.worker.limits.parameter-name-length)"));
            }
            if (value.length() > limits.parameterValueLength()) {
                String named = firstControlChar(name) < 0 ? "parameter '" + name + "'" : "a parameter";
                return Optional.of(new Refusal(PARAMETER_TOO_LONG, "the value of " + named + " has " + value.length()
                        + " chars; at most " + limits.parameterValueLength()
                        + " are accepted (offsite.worker.limits.parameter-value-length)"));
            }
        }
        return Optional.empty();
    }

    /** Index of the first ISO control character (or line/paragraph separator), or -1. */
    static int firstControlChar(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return -1;
    }

    @SafeVarargs
    private static Optional<Refusal> firstOf(Optional<Refusal>... checks) {
        for (Optional<Refusal> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }
}
