package io.offsite.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Loopback port helpers: free ports for tests, and a clear error when a fixed port is taken. */
public final class Ports {

    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /** A port that was free on the loopback interface a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /**
     * Fails with a message that says what to do when {@code port} is already taken on loopback.
     *
     * @param what the service that wanted the port, e.g. "Kafka broker"
     * @param setting the setting that chooses another port
     */
    public static void requireFree(int port, String what, String setting) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
        } catch (IOException e) {
            String holder = holderOf(port).map(h -> "it is held by " + h).orElse("another Offsite instance, or another program?");
            throw new PortInUseException(String.format(
                    "%s cannot listen on %s:%d: the port is in use (%s). Stop it, or choose another port with %s.",
                    what, LOOPBACK, port, holder, setting));
        }
    }

    /**
     * The process listening on a TCP {@code port}, as {@code pid N (command line)}, when the system tells it cheaply
     * (Linux: the listening socket in {@code /proc/net/tcp*}, then the process holding it); empty otherwise.
     */
    public static Optional<String> holderOf(int port) {
        try {
            Set<String> sockets = new HashSet<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path file = Path.of(table);
                if (!Files.isReadable(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
                        sockets.add("socket:[" + f[9] + "]");
                    }
                }
            }
            if (sockets.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.allProcesses().filter(p -> holdsAny(p.pid(), sockets)).findFirst()
                    .map(p -> "pid " + p.pid() + p.info().commandLine().or(() -> p.info().command()).map(c -> " (" + abbreviate(c) + ")").orElse(""));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean holdsAny(long pid, Set<String> sockets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // the descriptor was closed meanwhile
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the process ended, or its descriptors are not ours to read
        }
        return false;
    }

    private static String abbreviate(String commandLine) {
        return commandLine.length() <= 160 ? commandLine : commandLine.substring(0, 157) + "...";
    }

    /** A fixed port that is already taken. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(String message) {
            super(message);
        }
    }
}
