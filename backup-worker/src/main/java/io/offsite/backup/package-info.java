/**
 * The backup worker: takes BACKUP and VERIFY requests from Kafka; its parts are in the sub-packages.
 */
package io.offsite.backup;
