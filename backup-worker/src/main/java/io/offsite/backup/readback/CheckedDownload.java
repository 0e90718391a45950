package io.offsite.backup.readback;

import io.offsite.backup.compress.Compression;
import io.offsite.backup.crypt.AgeHeader;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.backup.compress.ContentDigest;
import io.offsite.backup.compress.HashingInputStream;
import io.offsite.backup.temp.DiskFull;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.artifact.ChecksumSidecar;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Downloads a backup in one streaming pass and proves it is the one that was stored: the stored bytes are hashed
 * as they arrive and compared with the recorded SHA-256 (object metadata, cross-checked with the {@code .sha256}
 * sidecar), the decompressed snapshot is written to a file and compared with the recorded snapshot SHA-256.
 * Nothing but {@code destination} is written, readable by this user alone from its creation; on any defect the destination is deleted and
 * {@link BackupDefectException} says what did not match.
 */
public final class CheckedDownload {

    /** How much a backup without recorded {@code source-bytes} may decompress to, unless the caller says otherwise. */
    public static final long DEFAULT_MAX_UNRECORDED_BYTES = 64L * 1024 * 1024 * 1024;
    /** Free space left on the destination's disk when a backup without recorded {@code source-bytes} is decompressed. */
    public static final long DEFAULT_RESERVE_BYTES = 64L * 1024 * 1024;

    private final ObjectStore store;
    private final Report report;
    private final long maxUnrecordedBytes;
    private final long reserveBytes;
    private final SpaceLedger ledger;
    private final AgeIdentity identity;

    public CheckedDownload(ObjectStore store, Report report) {
        this(store, report, DEFAULT_MAX_UNRECORDED_BYTES, DEFAULT_RESERVE_BYTES);
    }

    public CheckedDownload(ObjectStore store, Report report, long maxUnrecordedBytes, long reserveBytes) {
        this(store, report, maxUnrecordedBytes, reserveBytes, null);
    }

    /**
     * @param maxUnrecordedBytes the most a backup without recorded {@code source-bytes} may decompress to (the free
     *                           space of the destination's disk minus {@code reserveBytes} caps it further)
     * @param reserveBytes       free space to leave on that disk in that case
     * @param ledger             the space ledger of that disk, whose other reservations are not free space; null: none
     */
    public CheckedDownload(ObjectStore store, Report report, long maxUnrecordedBytes, long reserveBytes, SpaceLedger ledger) {
        this(store, report, maxUnrecordedBytes, reserveBytes, ledger, null);
    }

    private CheckedDownload(ObjectStore store, Report report, long maxUnrecordedBytes, long reserveBytes, SpaceLedger ledger,
                            AgeIdentity identity) {
        if (maxUnrecordedBytes <= 0) {
            throw new IllegalArgumentException("the decompression limit must be positive, not " + maxUnrecordedBytes);
        }
        this.store = store;
        this.report = report;
        this.maxUnrecordedBytes = maxUnrecordedBytes;
        this.reserveBytes = Math.max(0, reserveBytes);
        this.ledger = ledger;
        this.identity = identity;
    }

    /** The same download, opening encrypted backups with {@code identity} (empty: an encrypted backup cannot be read). */
    public CheckedDownload withIdentity(Optional<AgeIdentity> identity) {
        return new CheckedDownload(store, report, maxUnrecordedBytes, reserveBytes, ledger, identity.orElse(null));
    }

    /** What was downloaded, and that it matched. */
    public record Result(String key, Path file, long storedBytes, String storedSha256, long snapshotBytes, String snapshotSha256,
                         boolean snapshotChecked, Compression compression, SnapshotKind kind) {
    }

    /**
     * The recorded SHA-256 of the stored bytes and the snapshot, and the compression, of an object; whether it is
     * encrypted with age and to which recipients (their fingerprints, as recorded).
     */
    public record Expected(String storedSha256, Optional<String> snapshotSha256, long snapshotBytes, Compression compression,
                           boolean encrypted, List<String> recipients) {

        /** How a message names the recipients: their fingerprints, or that none are recorded. */
        public String recipientsText() {
            return recipients.isEmpty() ? "recipients not recorded" : "recipient(s) " + String.join(", ", recipients);
        }
    }

    /** Reads what the backup's metadata and sidecar promise; fails when no stored checksum is recorded or they disagree. */
    public Expected expected(StoredObject head) throws IOException {
        Optional<String> fromMetadata = head.meta(BackupMetadata.SHA256).map(s -> s.strip().toLowerCase(Locale.ROOT));
        Optional<String> fromSidecar = ChecksumSidecar.read(store, head.key());
        if (fromMetadata.isPresent() && fromSidecar.isPresent() && !fromMetadata.get().equals(fromSidecar.get())) {
            throw new BackupDefectException("the checksum in the metadata of " + head.key() + " (" + fromMetadata.get()
                    + ") differs from its " + BackupKeys.SHA256_SUFFIX + " sidecar (" + fromSidecar.get()
                    + "): the backup or its sidecar was altered; use another backup");
        }
        String stored = fromMetadata.or(() -> fromSidecar).orElseThrow(() -> new BackupDefectException("no SHA-256 is recorded for "
                + head.key() + " (no '" + BackupMetadata.SHA256 + "' metadata, no " + BackupKeys.SHA256_SUFFIX + " sidecar): it cannot be proven intact; use another backup"));
        Compression compression;
        try {
            compression = head.meta(BackupMetadata.COMPRESSION).map(Compression::fromId).orElseGet(() -> byExtension(BackupKeys.withoutEncryption(head.key())));
        } catch (IllegalArgumentException e) {
            throw new BackupDefectException("the '" + BackupMetadata.COMPRESSION + "' metadata of " + head.key() + " is not one this worker reads ("
                    + e.getMessage() + "); use another backup", e);
        }
        long snapshotBytes = recordedSnapshotBytes(head);
        boolean encrypted = BackupMetadata.isEncrypted(head.metadata()) || BackupKeys.isEncrypted(head.key());
        return new Expected(stored, head.meta(BackupMetadata.SOURCE_SHA256).map(s -> s.strip().toLowerCase(Locale.ROOT)), snapshotBytes, compression,
                encrypted, BackupMetadata.recipientsOf(head.metadata()));
    }

    /**
     * Proves, before anything is written, that this download can open {@code head}: a backup in clear always; an
     * encrypted one only with an identity that opens its age header. Reads the header alone, unless the identity does
     * not open it: then the whole object is checked against its recorded SHA-256, to tell a damaged backup (a defect)
     * from the wrong key.
     *
     * @throws RestoreException      naming the recipients the backup was encrypted to, when no identity was given or it
     *                               is not theirs
     * @throws BackupDefectException when the object's header is not an age header, or its bytes are not those stored
     */
    public Expected requireReadable(StoredObject head) throws IOException {
        Expected expected = expected(head);
        if (!expected.encrypted()) {
            return expected;
        }
        if (identity == null) {
            throw new RestoreException(head.key() + " is encrypted with age to " + expected.recipientsText()
                    + ": give the identity of one of them with --identity FILE (or OFFSITE_AGE_IDENTITY_FILE)");
        }
        try (InputStream raw = store.open(head.key())) {
            try {
                AgeHeader.read(raw);
            } catch (IOException e) {
                throw defectIfDamaged(head, expected).orElseGet(() -> new BackupDefectException("the stored bytes of " + head.key()
                        + " match their checksum but are not an age file (" + e.getMessage() + "): the backup was written damaged; use another backup", e));
            }
        }
        try (InputStream raw = store.open(head.key())) {
            identity.decrypt(raw).close();
        } catch (AgeIdentity.NotForThisIdentityException e) {
            throw defectIfDamaged(head, expected).orElseGet(() -> new RestoreException(head.key() + " is encrypted with age to "
                    + expected.recipientsText() + ", and no identity in " + identity.file()
                    + (identity.fingerprints().isEmpty() ? "" : " (" + String.join(", ", identity.fingerprints()) + ")")
                    + " opens it: give the identity of one of those recipients"));
        }
        return expected;
    }

    /** A defect when the whole object does not match its recorded SHA-256; empty when it does. */
    private Optional<RuntimeException> defectIfDamaged(StoredObject head, Expected expected) throws IOException {
        ContentDigest actual;
        try (InputStream raw = store.open(head.key())) {
            HashingInputStream hashing = new HashingInputStream(raw);
            drain(hashing);
            actual = hashing.digest();
        }
        if (actual.sha256().equals(expected.storedSha256()) && actual.size() == head.size()) {
            return Optional.empty();
        }
        return Optional.of(new BackupDefectException("checksum mismatch: " + head.key() + " has sha256 " + actual.sha256() + " ("
                + actual.size() + " bytes), but " + expected.storedSha256() + " was recorded when it was stored: the object is damaged; use another backup"));
    }

    /** The recorded {@code source-bytes}, or -1 when none is recorded; a value that is no size is a defect. */
    private static long recordedSnapshotBytes(StoredObject head) {
        Optional<String> recorded = head.meta(BackupMetadata.SOURCE_BYTES).map(String::strip);
        if (recorded.isEmpty()) {
            return -1;
        }
        try {
            long bytes = Long.parseLong(recorded.get());
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BackupDefectException("the '" + BackupMetadata.SOURCE_BYTES + "' metadata of " + head.key() + " is not a size ('"
                + recorded.get().substring(0, Math.min(40, recorded.get().length())) + "'); use another backup");
    }

    /**
     * Downloads {@code head} into {@code destination} (which must not exist), decompressed, checking both checksums.
     * Decompression stops as soon as the snapshot outgrows its recorded {@code source-bytes} (or, when none is
     * recorded, the limit this download was given and the free space of the destination's disk), so a backup that
     * decompresses to far more than it claims never fills the disk.
     *
     * @throws BackupDefectException when the stored bytes or the snapshot do not match, do not decompress, or
     *                               decompress to more than the limit
     */
    public Result fetch(StoredObject head, Path destination) throws IOException {
        Expected expected = expected(head);
        if (expected.encrypted() && identity == null) {
            throw new RestoreException(head.key() + " is encrypted with age to " + expected.recipientsText()
                    + ": give the identity of one of them with --identity FILE (or OFFSITE_AGE_IDENTITY_FILE)");
        }
        long limit;
        String limitReason;
        if (expected.snapshotBytes() >= 0) {
            limit = expected.snapshotBytes();
            limitReason = "its recorded source-bytes (" + limit + ")";
        } else {
            Path folder = destination.toAbsolutePath().getParent();
            long free = ledger != null ? ledger.available() : Files.getFileStore(folder).getUsableSpace();
            long room = Math.max(0, free - reserveBytes);
            limit = Math.min(maxUnrecordedBytes, room);
            limitReason = limit == maxUnrecordedBytes ? "the decompression limit for backups without recorded source-bytes ("
                    + Sizes.human(limit) + ")" : "the free space of " + folder + " (" + Sizes.human(limit) + " beyond the reserve)";
        }
        report.line("Downloading {} ({}, {}{})...", head.key(), Sizes.human(head.size()), expected.compression().id(),
                expected.encrypted() ? ", encrypted with age" : "");
        boolean complete = false;
        try {
            HashingInputStream stored;
            ContentDigest storedDigest;
            ContentDigest snapshotDigest = null;
            IOException decompressionFailure = null;
            try (InputStream raw = store.open(head.key())) {
                stored = new HashingInputStream(raw);
                InputStream keepOpen = new FilterInputStream(stored) {
                    @Override
                    public void close() {
                        // the stored stream is drained and closed below
                    }
                };
                try (OutputStream out = new Destination(OwnerOnly.create(destination));
                     InputStream decompressed = expected.compression().decompress(expected.encrypted() ? decrypting(keepOpen) : keepOpen)) {
                    HashingInputStream snapshot = new HashingInputStream(new CappedInputStream(decompressed, limit, head.key(), limitReason));
                    copy(snapshot, out);
                    snapshotDigest = snapshot.digest();
                } catch (InterruptedIOException e) {
                    throw e;
                } catch (WriteFailedException e) {
                    // the destination's disk, not the backup: never reported as a defect of the backup
                    throw writeFailure(destination, e.getCause());
                } catch (IOException e) {
                    if (!Files.exists(destination)) {
                        throw e;
                    }
                    // damaged bytes usually break decompression (or inflate past the limit) first: read the rest of the
                    // stored bytes, without writing them anywhere, so the checksum can say so
                    decompressionFailure = e;
                }
                drain(stored);
                storedDigest = stored.digest();
            }
            if (!storedDigest.sha256().equals(expected.storedSha256()) || storedDigest.size() != head.size()) {
                throw new BackupDefectException("checksum mismatch: " + head.key() + " has sha256 " + storedDigest.sha256() + " ("
                        + storedDigest.size() + " bytes), but " + expected.storedSha256() + " (" + head.size()
                        + " bytes) was recorded when it was stored: the object is damaged; use another backup");
            }
            report.line("Checksum OK ({})", storedDigest.sha256());
            if (decompressionFailure instanceof CappedInputStream.TooLargeException tooLarge) {
                throw new BackupDefectException(tooLarge.getMessage(), tooLarge);
            }
            if (decompressionFailure instanceof NotForThisIdentity wrongKey) {
                throw new RestoreException(head.key() + " is encrypted with age to " + expected.recipientsText() + ", and no identity in "
                        + identity.file() + " opens it: give the identity of one of those recipients", wrongKey);
            }
            if (decompressionFailure instanceof DecryptionFailedException failed) {
                throw new BackupDefectException("the stored bytes of " + head.key() + " match their checksum but fail age authentication ("
                        + failed.getMessage() + "): the backup is truncated or was written damaged; use another backup", failed);
            }
            if (decompressionFailure != null) {
                throw new BackupDefectException("the stored bytes of " + head.key() + " match their checksum but do not decompress as "
                        + expected.compression().id() + " (" + decompressionFailure.getMessage() + "): the backup was written damaged; use another backup",
                        decompressionFailure);
            }
            boolean snapshotChecked = expected.snapshotSha256().isPresent();
            if (snapshotChecked) {
                if (!snapshotDigest.sha256().equals(expected.snapshotSha256().get())) {
                    throw new BackupDefectException("snapshot checksum mismatch: " + head.key() + " decompresses to sha256 " + snapshotDigest.sha256()
                            + " (" + snapshotDigest.size() + " bytes), but the snapshot taken had " + expected.snapshotSha256().get()
                            + ": use another backup");
                }
                report.line("Snapshot checksum OK ({}, {})", snapshotDigest.sha256(), Sizes.human(snapshotDigest.size()));
            } else {
                report.line("No snapshot checksum recorded for {}; relying on the stored checksum and the integrity check", head.key());
            }
            SnapshotKind kind = SnapshotKind.of(destination);
            complete = true;
            return new Result(head.key(), destination, storedDigest.size(), storedDigest.sha256(), snapshotDigest.size(),
                    snapshotDigest.sha256(), snapshotChecked, expected.compression(), kind);
        } finally {
            if (!complete) {
                Files.deleteIfExists(destination);
            }
        }
    }

    /** The payload of an age file, opened with this download's identity; its failures are told apart from decompression's. */
    private InputStream decrypting(InputStream in) throws IOException {
        InputStream plain;
        try {
            plain = identity.decrypt(in);
        } catch (AgeIdentity.NotForThisIdentityException e) {
            throw new NotForThisIdentity(e);
        } catch (IOException e) {
            throw new DecryptionFailedException(e);
        }
        return new FilterInputStream(plain) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw e instanceof InterruptedIOException ? e : new DecryptionFailedException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw e instanceof InterruptedIOException ? e : new DecryptionFailedException(e);
                }
            }
        };
    }

    /** A chunk of an age payload that does not authenticate: truncated or altered ciphertext. */
    private static final class DecryptionFailedException extends IOException {
        DecryptionFailedException(Exception cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }

    /** No identity of the download opens the header. */
    private static final class NotForThisIdentity extends IOException {
        NotForThisIdentity(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A failed write of the snapshot file: a full disk says so, with the free bytes left; anything else is an I/O error. */
    private static IOException writeFailure(Path destination, IOException cause) throws IOException {
        if (DiskFull.caused(cause)) {
            Path folder = destination.toAbsolutePath().getParent();
            long free = Files.getFileStore(folder).getUsableSpace();
            throw new TempSpace.InsufficientSpaceException(String.format(
                    "the disk of %s filled up while decompressing into %s: %s (%d bytes) free there: free space or point the temp folder at a larger disk",
                    folder, destination.getFileName(), Sizes.human(free), free), cause);
        }
        return new IOException("cannot write " + destination + ": " + cause.getMessage(), cause);
    }

    /** The snapshot file: its write failures are told apart from the failures of reading and decompressing the backup. */
    private static final class Destination extends FilterOutputStream {
        Destination(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new WriteFailedException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new WriteFailedException(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw new WriteFailedException(e);
            }
        }
    }

    private static final class WriteFailedException extends IOException {
        WriteFailedException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    static Compression byExtension(String key) {
        if (key.endsWith(".gz")) {
            return Compression.GZIP;
        }
        if (key.endsWith(".zst")) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("download interrupted");
            }
            out.write(buffer, 0, n);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (in.read(buffer) != -1) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("download interrupted");
            }
        }
    }
}
