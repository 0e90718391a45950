/** The worker runtime's settings ({@code offsite.worker.*}): read by the runtime and the Kafka adapter, bound by the auto-configuration. */
package io.offsite.worker.settings;
