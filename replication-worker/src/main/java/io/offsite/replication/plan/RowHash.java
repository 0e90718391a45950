package io.offsite.replication.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fingerprint of a row's value columns that Java (from SQLite values) and PostgreSQL (from the stored row) compute
 * alike, so a full re-run can ask PostgreSQL which rows differ after sending 32-byte fingerprints instead of rows.
 * Each value is encoded as {@code N} (NULL) or {@code <byte length>:<bytes>}: text as UTF-8, integers in decimal,
 * doubles as their IEEE-754 bits in hex; the MD5 of the concatenation is compared.
 *
 * <p>A difference in rendering can only make equal rows look different (they are then upserted, where
 * {@code IS DISTINCT FROM} decides exactly), never the reverse. Tables with value columns of other types do not use it.
 */
public final class RowHash {

    enum Kind { TEXT, INTEGER, FLOAT8 }

    private final List<Kind> kinds;
    private final List<String> columns;

    private RowHash(List<String> columns, List<Kind> kinds) {
        this.columns = List.copyOf(columns);
        this.kinds = List.copyOf(kinds);
    }

    /** The fingerprint for a plan's value columns, or empty when a target column type is not covered. */
    public static Optional<RowHash> of(TablePlan plan) {
        List<Kind> kinds = new ArrayList<>();
        Map<String, String> types = plan.targetColumns();
        for (String column : plan.valueColumns()) {
            String type = types.get(column);
            if (type == null) {
                return Optional.empty();
            }
            switch (type) {
                case "text", "character varying" -> kinds.add(Kind.TEXT);
                case "bigint", "integer", "smallint" -> kinds.add(Kind.INTEGER);
                case "double precision" -> kinds.add(Kind.FLOAT8);
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new RowHash(plan.valueColumns(), kinds));
    }

    /** MD5 (hex) of the value columns of a source row laid out as {@code keys..., values...}. */
    public String of(Object[] row, int keyColumns) {
        MessageDigest md5 = md5();
        for (int i = 0; i < kinds.size(); i++) {
            Object value = row[keyColumns + i];
            if (value == null) {
                md5.update((byte) 'N');
                continue;
            }
            byte[] bytes = switch (kinds.get(i)) {
                case TEXT -> value instanceof Utf8Text t ? t.bytes() : value.toString().getBytes(StandardCharsets.UTF_8);
                case INTEGER -> value.toString().getBytes(StandardCharsets.US_ASCII);
                case FLOAT8 -> value instanceof Double d
                        ? HexFormat.of().toHexDigits(Double.doubleToRawLongBits(d)).getBytes(StandardCharsets.US_ASCII)
                        : ("?" + value).getBytes(StandardCharsets.UTF_8);
            };
            md5.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            md5.update((byte) ':');
            md5.update(bytes);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** The same fingerprint computed by PostgreSQL over the target row aliased {@code alias}. */
    public String sql(String alias) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            String column = alias + "." + Sql.quote(columns.get(i));
            String rendered = switch (kinds.get(i)) {
                case TEXT -> column + "::text";
                case INTEGER -> column + "::text";
                case FLOAT8 -> "encode(float8send(" + column + "), 'hex')";
            };
            parts.add("CASE WHEN " + column + " IS NULL THEN 'N' ELSE octet_length(" + rendered + ")::text || ':' || " + rendered + " END");
        }
        return "md5(concat(" + String.join(", ", parts) + "))";
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
