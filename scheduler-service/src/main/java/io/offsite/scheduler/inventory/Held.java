package io.offsite.scheduler.inventory;

/**
 * What the inventory keeps of one backup, besides its key: what the statistics and health need, in 16 bytes.
 *
 * @param takenAtMillis the instant its name carries, in epoch milliseconds
 * @param sizeBytes     its size as listed
 */
public record Held(long takenAtMillis, long sizeBytes) {
}
