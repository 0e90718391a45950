package io.offsite.worker.storage;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

/**
 * Where backups are stored: any S3-compatible API (AWS S3, MinIO, S3Proxy). Defaults match the embedded
 * local stack. Checksum calculation and validation default to {@code WHEN_REQUIRED}: the newer SDK default
 * ({@code WHEN_SUPPORTED}) sends checksum headers many S3-compatible stores reject.
 */
@Validated
@ConfigurationProperties("offsite.s3")
public record StorageProperties(
        @NotNull URI endpoint,
        @NotBlank String region,
        @NotBlank String accessKey,
        @NotBlank String secretKey,
        @NotBlank String bucket,
        Boolean pathStyle,
        @NotNull RequestChecksumCalculation checksumCalculation,
        @NotNull ResponseChecksumValidation checksumValidation,
        @Min(5 * 1024 * 1024) long partSizeBytes,
        @NotNull Duration connectTimeout,
        @NotNull Duration apiCallTimeout) {

    public StorageProperties {
        if (endpoint == null) {
            endpoint = URI.create("http://127.0.0.1:9000");
        }
        region = region == null ? "us-east-1" : region;
        accessKey = accessKey == null ? "offsite" : accessKey;
        secretKey = secretKey == null ? "offsite-secret" : secretKey;
        bucket = bucket == null ? "offsite-backups" : bucket;
        pathStyle = pathStyle == null ? Boolean.TRUE : pathStyle;
        checksumCalculation = checksumCalculation == null ? RequestChecksumCalculation.WHEN_REQUIRED : checksumCalculation;
        checksumValidation = checksumValidation == null ? ResponseChecksumValidation.WHEN_REQUIRED : checksumValidation;
        partSizeBytes = partSizeBytes == 0 ? 8L * 1024 * 1024 : partSizeBytes;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        apiCallTimeout = apiCallTimeout == null ? Duration.ofMinutes(2) : apiCallTimeout;
    }

    /** Settings for the given endpoint and credentials with every other value at its default. */
    public static StorageProperties of(URI endpoint, String accessKey, String secretKey, String bucket) {
        return new StorageProperties(endpoint, null, accessKey, secretKey, bucket, true, null, null, 0, null, null);
    }

    @Override
    public String toString() {
        return "StorageProperties[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey=" + accessKey + "]";
    }
}
