/**
 * The backup job: snapshot, stream compressed and hashed to the bucket, check what the store holds, write the checksum
 * sidecar; run claims make a run id produce at most one backup.
 */
package io.offsite.backup.job;
