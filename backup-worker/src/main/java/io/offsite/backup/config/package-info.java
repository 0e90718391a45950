/**
 * The backup worker's settings ({@code offsite.backup.*}: sources, temp folder, verification after upload) and the beans
 * built from them.
 */
package io.offsite.backup.config;
