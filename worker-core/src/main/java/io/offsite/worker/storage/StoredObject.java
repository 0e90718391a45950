package io.offsite.worker.storage;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An object in the bucket: key, size, last-modified time, its ETag and (when read with HEAD) its user metadata.
 */
public record StoredObject(String key, long size, Instant lastModified, String etag, Map<String, String> metadata) {

    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");

    public StoredObject {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public Optional<String> meta(String name) {
        return Optional.ofNullable(metadata.get(name));
    }

    /**
     * The MD5 of the content as the store computed it, when the ETag is one: S3 and compatible stores use the plain
     * MD5 for objects written in one request or copied in one request without KMS or customer keys. Empty for the
     * ETags of multipart objects ({@code <md5 of part md5s>-<parts>}) and any other form.
     */
    public Optional<String> contentMd5() {
        if (etag == null) {
            return Optional.empty();
        }
        String value = etag.replace("\"", "");
        return MD5_HEX.matcher(value).matches() ? Optional.of(value.toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
