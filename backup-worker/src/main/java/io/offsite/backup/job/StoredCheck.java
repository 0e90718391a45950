package io.offsite.backup.job;

import io.offsite.backup.config.BackupProperties.Verify;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.util.Optional;

/**
 * How a backup job checks the object the store holds against the bytes it sent, before it reports success. The
 * thorough proof (download, both checksums, decompress, integrity check) is the VERIFY job's; this check catches
 * an object the store got wrong, at the cost the mode allows.
 */
final class StoredCheck {

    private StoredCheck() {
    }

    /** What the job sent: size, MD5 and SHA-256 of the stored (compressed) bytes. */
    record Sent(long bytes, String md5, String sha256) {
    }

    /** Reads the stored object back and hashes it. */
    @FunctionalInterface
    interface Reread {
        Sha256.Hashed read() throws IOException;
    }

    /** The outcome: how the object was checked, and what is wrong with it, if anything. */
    record Result(String how, Optional<String> problem) {
        boolean passed() {
            return problem.isEmpty();
        }
    }

    static Result check(Verify mode, StoredObject stored, Sent sent, Reread reread) throws IOException {
        if (mode == Verify.NONE) {
            return new Result("not checked", Optional.empty());
        }
        if (stored.size() != sent.bytes()) {
            return new Result("size", Optional.of("stored size " + stored.size() + " differs from the " + sent.bytes() + " bytes written"));
        }
        if (mode == Verify.SIZE) {
            return new Result("size", Optional.empty());
        }
        Optional<String> storeMd5 = stored.contentMd5();
        if (mode == Verify.CHECKSUM && storeMd5.isPresent() && storeMd5.get().equals(sent.md5())) {
            // the store hashed what it holds and got what was sent
            return new Result("size and the store's MD5", Optional.empty());
        }
        // full mode, an ETag of another form (multipart), or one that differs: with KMS encryption an ETag looks
        // like an MD5 but is none, so only reading the object back can tell a damaged object from an opaque ETag
        Sha256.Hashed read = reread.read();
        if (read.bytes() != sent.bytes() || !read.sha256().equals(sent.sha256())) {
            return new Result("re-read, size and SHA-256", Optional.of("re-read " + read.bytes() + " bytes with sha256 " + read.sha256()
                    + ", expected " + sent.bytes() + " bytes with sha256 " + sent.sha256()));
        }
        return new Result("re-read, size and SHA-256", Optional.empty());
    }
}
