/**
 * The rotation worker's settings ({@code offsite.rotation.*}): the series it rotates, each with its folder and policy.
 */
package io.offsite.rotation.config;
