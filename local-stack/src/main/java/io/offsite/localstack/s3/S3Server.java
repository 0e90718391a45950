package io.offsite.localstack.s3;

import io.offsite.localstack.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real S3 API (S3Proxy) in this JVM, storing objects as files under a folder. */
public final class S3Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3Server.class);

    private final S3Proxy proxy;
    private final S3Endpoint endpoint;
    private final Path root;

    private S3Server(S3Proxy proxy, S3Endpoint endpoint, Path root) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.root = root;
    }

    /** Starts S3Proxy on {@code 127.0.0.1:port} with Offsite's default credentials and creates the default bucket. */
    public static S3Server start(Path dataDir, int port) {
        return start(dataDir, port, S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET);
    }

    public static S3Server start(Path dataDir, int port, String accessKey, String secretKey, String bucket) {
        Ports.requireFree(port, "S3 server", "--s3-port");
        Path root = dataDir.toAbsolutePath().resolve("s3");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the S3 data folder " + root + ": " + e.getMessage(), e);
        }
        URI uri = URI.create("http://" + Ports.LOOPBACK + ":" + port);
        // a file the file system will not remove is a per-key AccessDenied, as object lock or a policy answers
        BlobStore store = new UndeletableObjects(new FilesystemNio2BlobStore(root.toString()));
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(uri)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .stopTimeout(1000)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s, state " + proxy.getState());
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy on " + uri + ": " + e.getMessage(), e);
        }
        log.info("S3 API ready on {} (bucket {}, objects in {})", uri, bucket, root);
        return new S3Server(proxy, new S3Endpoint(uri, accessKey, secretKey, bucket, S3Endpoint.DEFAULT_REGION), root);
    }

    public S3Endpoint endpoint() {
        return endpoint;
    }

    /** The folder holding the objects: lets tests damage a stored object on purpose. */
    public Path storageRoot() {
        return root;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // requests still in flight after the stop timeout are cut off; the server is stopped all the same
            log.warn("S3 API on {} stopped with requests still in flight", endpoint.endpoint());
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy: " + e.getMessage(), e);
        }
    }
}
