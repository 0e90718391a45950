package io.offsite.backup.job;

import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.worker.job.JobRejectedException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** The compression of one source: its label in metadata, its file extension and the stream that applies it. */
record Codec(String label, String extension, int level) {

    static Codec of(Source source) {
        return switch (source.compression().toLowerCase(java.util.Locale.ROOT)) {
            case "gzip" -> new Codec("gzip", ".gz", source.level() == 0 ? 6 : source.level());
            case "none" -> new Codec("none", "", 0);
            default -> throw new JobRejectedException("UNSUPPORTED_COMPRESSION", "compression '" + source.compression()
                    + "' is not supported; use gzip or none");
        };
    }

    OutputStream wrap(OutputStream sink) throws IOException {
        if (label.equals("none")) {
            return sink;
        }
        int chosen = level;
        return new GZIPOutputStream(sink, 1 << 16) {
            {
                def.setLevel(chosen);
            }
        };
    }

    static int defaultLevel() {
        return Deflater.DEFAULT_COMPRESSION;
    }
}
