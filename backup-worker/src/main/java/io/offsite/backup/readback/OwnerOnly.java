package io.offsite.backup.readback;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders only their owner may read ({@code 0600}, {@code 0700}), given those permissions when they are
 * created: a backup's content (a decompressed dump, a safety copy) is never readable by others, not even for a moment.
 */
public final class OwnerOnly {

    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    /** Creates {@code file} (which must not exist), {@code 0600}, and opens it for writing. */
    public static OutputStream create(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(FILE)));
    }

    /** Creates an empty {@code file} (which must not exist), {@code 0600}, for a tool to write into. */
    public static Path createFile(Path file) throws IOException {
        return Files.createFile(file, attributes(FILE));
    }

    /** Creates {@code folder} and missing parents; the ones created here are {@code 0700}. */
    public static Path createFolders(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return absolute;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createFolders(parent);
        }
        try {
            Files.createDirectory(absolute, attributes(FOLDER));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
        return absolute;
    }
}
