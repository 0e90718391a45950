package io.offsite.scheduler.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of a manual trigger, {@code {"parameters": {"name": "value", ...}}}, read strictly: malformed JSON
 * is refused with its line and column, unknown fields and non-string values by name, duplicate keys too.
 * An empty body (or JSON {@code null}) means no parameters.
 */
final class TriggerBody {

    static final List<String> FIELDS = List.of("parameters");

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TriggerBody() {
    }

    static Map<String, String> parameters(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw malformed(e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new BadRequestException("the request body must be a JSON object like {\"parameters\": {\"name\": \"value\"}}, was "
                    + kind(root));
        }
        List<String> unknown = new ArrayList<>();
        for (String field : root.propertyNames()) {
            if (!FIELDS.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            throw new BadRequestException((unknown.size() == 1 ? "unknown field '" : "unknown fields '") + String.join("', '", unknown)
                    + "' in the request body; known fields: " + FIELDS, Map.of("unknownFields", unknown, "knownFields", FIELDS));
        }
        JsonNode parameters = root.path("parameters");
        if (parameters.isMissingNode() || parameters.isNull()) {
            return Map.of();
        }
        if (!parameters.isObject()) {
            throw new BadRequestException("'parameters' must be a JSON object of names to string values, was " + kind(parameters));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : parameters.properties()) {
            if (!entry.getValue().isString()) {
                throw new BadRequestException("parameter '" + entry.getKey() + "' must be a JSON string, was " + kind(entry.getValue()),
                        Map.of("parameter", entry.getKey()));
            }
            values.put(entry.getKey(), entry.getValue().asString());
        }
        return values;
    }

    private static BadRequestException malformed(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String reason = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
        if (at == null || at.getLineNr() < 1) {
            return new BadRequestException("the request body is not valid JSON: " + reason);
        }
        return new BadRequestException("the request body is not valid JSON at line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ": " + reason, Map.of("line", at.getLineNr(), "column", at.getColumnNr()));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
