package io.offsite.events.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record value that cannot be turned into an Offsite event. Subclasses say why. */
public abstract class EventDecodingException extends SerializationException {

    protected EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A short, stable, lower-case name of why the record was refused, for metric tags and log lines
     * ({@code too-large}, {@code not-single-object}, {@code unknown-schema}, {@code malformed}).
     */
    public abstract String reason();

    /** The record is larger than any Offsite event may be ({@link EventCodec#MAX_EVENT_BYTES}); it is not read at all. */
    public static final class EventTooLargeException extends EventDecodingException {
        private final int size;

        public EventTooLargeException(int size, int limit) {
            super(String.format("record of %d bytes is larger than the %d bytes an Offsite event may take", size, limit),
                    null);
            this.size = size;
        }

        public int size() {
            return size;
        }

        @Override
        public String reason() {
            return "too-large";
        }
    }

    /** The bytes do not start with the Avro single-object marker (C3 01) or are too short to hold a header. */
    public static final class NotSingleObjectEncodedException extends EventDecodingException {
        public NotSingleObjectEncodedException(String message) {
            super(message, null);
        }

        @Override
        public String reason() {
            return "not-single-object";
        }
    }

    /** The header names a schema fingerprint this version of Offsite does not know. */
    public static final class UnknownSchemaException extends EventDecodingException {
        private final long fingerprint;

        public UnknownSchemaException(long fingerprint) {
            super(String.format("unknown writer schema fingerprint %016x: the record was written with a schema this "
                    + "version of the offsite schemas does not ship (newer producer, or not an Offsite event)",
                    fingerprint), null);
            this.fingerprint = fingerprint;
        }

        public long fingerprint() {
            return fingerprint;
        }

        @Override
        public String reason() {
            return "unknown-schema";
        }
    }

    /**
     * Header and fingerprint are fine but the body is not a value of the writer schema: a length, count or index
     * the bytes do not back, bytes left over, or anything else Avro cannot read.
     */
    public static final class MalformedEventException extends EventDecodingException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String reason() {
            return "malformed";
        }
    }
}
