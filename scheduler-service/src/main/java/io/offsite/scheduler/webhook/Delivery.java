package io.offsite.scheduler.webhook;

/**
 * How posting one notification ended.
 *
 * @param attempts how many requests were made
 * @param problem  why the last attempt failed; null when delivered
 */
record Delivery(boolean delivered, int attempts, String problem) {
}
