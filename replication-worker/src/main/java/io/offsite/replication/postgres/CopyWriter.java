package io.offsite.replication.postgres;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/** One {@code COPY ... FROM STDIN} of everything a {@link LineChunks} hands out, sent chunk by chunk. */
final class CopyWriter {

    private static final int COPY_CHUNK = 1 << 16;

    private CopyWriter() {
    }

    /** Runs {@code sql} and streams the lines in buffers of up to {@value #COPY_CHUNK} bytes; a chunk goes out whole. */
    static void copy(CopyManager copy, String sql, LineChunks lines) throws SQLException, InterruptedException {
        CopyIn in = copy.copyIn(sql);
        try {
            byte[] buffer = new byte[COPY_CHUNK];
            int used = 0;
            for (Optional<List<byte[]>> chunk = lines.next(); chunk.isPresent(); chunk = lines.next()) {
                for (byte[] line : chunk.get()) {
                    if (used + line.length > buffer.length) {
                        if (used > 0) {
                            in.writeToCopy(buffer, 0, used);
                            used = 0;
                        }
                        if (line.length > buffer.length) {
                            in.writeToCopy(line, 0, line.length);
                            continue;
                        }
                    }
                    System.arraycopy(line, 0, buffer, used, line.length);
                    used += line.length;
                }
                if (used > 0) { // each chunk goes out when it is complete: PostgreSQL works while the next one is read
                    in.writeToCopy(buffer, 0, used);
                    used = 0;
                }
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }
}
