package io.offsite.backup.pipeline;

/** Receives progress of a long copy: bytes done, bytes expected (-1 when unknown), throughput. */
@FunctionalInterface
public interface Progress {

    void report(long done, long expected, double bytesPerSecond);

    Progress NONE = (done, expected, rate) -> { };
}
