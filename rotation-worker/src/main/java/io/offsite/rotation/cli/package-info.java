/**
 * {@code plan-retention}: prints the plan a policy makes for backup names or instants read on stdin; deletes nothing.
 */
package io.offsite.rotation.cli;
