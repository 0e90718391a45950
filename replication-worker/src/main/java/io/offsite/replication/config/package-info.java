/**
 * The worker's configuration ({@code offsite.replication}): the PostgreSQL target, the engine's settings and the
 * configured sources.
 */
package io.offsite.replication.config;
