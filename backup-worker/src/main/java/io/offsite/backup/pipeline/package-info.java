/**
 * The one streaming pass of a backup from snapshot to upload, with its progress reports and result.
 */
package io.offsite.backup.pipeline;
