package io.offsite.replication.sqlite;

import io.offsite.replication.plan.BoundaryDigest;
import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.TablePlan;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Rows an incremental run read in its one scan: the keys and COPY lines of those to send, how many were read and the
 * highest watermark, how many rows at the old watermark were left out because they are as last sent, and the digest of
 * the rows at the new watermark (null when the table has no watermark value).
 */
public record ChangedRows(List<Object[]> keys, List<byte[]> lines, SqliteSnapshot.Extent extent, int unchangedAtMark, String boundary) {

    /** Incremental runs with up to this many changed rows read them in one scan (see {@link TablePlan#sourceChangesSql}). */
    public static final int ONE_SCAN_ROWS = 10_000;

    /**
     * The changed rows of an incremental run, read with their count and highest watermark in one scan, when there are
     * some and no more than {@value #ONE_SCAN_ROWS}; empty otherwise (the run then counts them first and streams them).
     * The rows at the old watermark {@code since} were sent last time; they are left out when their digest equals
     * {@code sinceBoundary}, the digest stored with it.
     */
    public static Optional<ChangedRows> read(SqliteSnapshot sqlite, TablePlan plan, String watermarkColumn, String since,
                                             String sinceBoundary) throws SQLException, InterruptedException {
        int width = plan.columns().size();
        int keyColumns = plan.keyColumns().size();
        boolean[] text = Arrays.copyOf(plan.textColumns(), width + 3);
        List<Object[]> keys = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        Object[] highest = new Object[1];
        sqlite.read(plan.sourceChangesSql(watermarkColumn, ONE_SCAN_ROWS + 1), Optional.of(since), text, values -> {
            keys.add(Arrays.copyOf(values, keyColumns));
            lines.add(CopyText.row(values, width));
            marks.add(values[width] == null ? null : values[width].toString());
            highest[0] = values[width + 2];
        });
        if (lines.isEmpty() || lines.size() > ONE_SCAN_ROWS) {
            return Optional.empty();
        }
        Optional<String> max = Optional.ofNullable(highest[0]).map(Object::toString);
        BoundaryDigest atOld = new BoundaryDigest();
        BoundaryDigest atNew = new BoundaryDigest();
        for (int i = 0; i < lines.size(); i++) {
            if (since.equals(marks.get(i))) {
                atOld.add(lines.get(i));
            }
            if (max.isPresent() && max.get().equals(marks.get(i))) {
                atNew.add(lines.get(i));
            }
        }
        int read = lines.size();
        int unchanged = 0;
        if (sinceBoundary != null && sinceBoundary.equals(atOld.value())) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (since.equals(marks.get(i))) {
                    keys.remove(i);
                    lines.remove(i);
                    unchanged++;
                }
            }
        }
        return Optional.of(new ChangedRows(keys, lines, new SqliteSnapshot.Extent(read, max), unchanged, max.isPresent() ? atNew.value() : null));
    }
}
