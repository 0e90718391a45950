/**
 * The worker's temp space: a folder per process, a ledger of the disk space reserved in it, the check for a full disk,
 * and the sweep of what stopped processes left behind.
 */
package io.offsite.backup.temp;
