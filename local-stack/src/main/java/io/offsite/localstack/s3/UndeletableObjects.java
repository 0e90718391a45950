package io.offsite.localstack.s3;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Answers a delete the file system refuses (an immutable file, {@code chattr +i}, or a read-only folder) the way a
 * store with object lock or a bucket policy answers it: {@code 403 AccessDenied} for that key, a per-key error inside
 * a DeleteObjects reply, instead of an {@code InternalError} for the whole request. Every other call goes through as is.
 */
final class UndeletableObjects extends ForwardingBlobStore {

    UndeletableObjects(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        try {
            return super.removeBlob(request);
        } catch (RuntimeException e) {
            if (refusedByFileSystem(e)) {
                throw S3Exception.builder()
                        .statusCode(403)
                        .message("object " + request.key() + " cannot be removed: its file is immutable or its folder read-only")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied")
                                .errorMessage("object " + request.key() + " cannot be removed: its file is immutable or its folder read-only")
                                .build())
                        .build();
            }
            throw e;
        }
    }

    private static boolean refusedByFileSystem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AccessDeniedException) {
                return true;
            }
            if (t instanceof FileSystemException fs && fs.getReason() != null && fs.getReason().contains("not permitted")) {
                return true;
            }
        }
        return false;
    }
}
