package io.offsite.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
            throw new PortInUseException(String.format(
                    "%s cannot listen on %s:%d: the port is in use (another Offsite instance, or another program?). "
                            + "Stop it, or choose another port with %s.", what, LOOPBACK, port, setting));
        }
    }

    /** A fixed port that is already taken. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(String message) {
            super(message);
        }
    }
}
