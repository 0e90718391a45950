/**
 * Adapts the scheduling core's backup health ({@code io.offsite.scheduler.health} in scheduler-core: which jobs are
 * checked and how a series is judged) to Spring Boot Actuator: the {@code backups} health component with one
 * indicator per checked job, judged against the service's inventory of the bucket. No health rule lives here.
 */
package io.offsite.scheduler.health.actuator;
