package io.offsite.events.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record value that cannot be turned into an Offsite event. Subclasses say why. */
public abstract class EventDecodingException extends SerializationException {

    protected EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bytes do not start with the Avro single-object marker (C3 01) or are too short to hold a header. */
    public static final class NotSingleObjectEncodedException extends EventDecodingException {
        public NotSingleObjectEncodedException(String message) {
            super(message, null);
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
    }

    /** Header and fingerprint are fine but the body does not decode with the writer schema. */
    public static final class MalformedEventException extends EventDecodingException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
