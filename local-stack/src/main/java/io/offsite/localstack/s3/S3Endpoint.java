package io.offsite.localstack.s3;

import java.net.URI;

/** Where an S3-compatible store answers, and how to sign requests to it. */
public record S3Endpoint(URI endpoint, String accessKey, String secretKey, String bucket, String region) {

    public static final String DEFAULT_ACCESS_KEY = "offsite";
    public static final String DEFAULT_SECRET_KEY = "offsite-secret";
    public static final String DEFAULT_BUCKET = "offsite-backups";
    public static final String DEFAULT_REGION = "us-east-1";
}
