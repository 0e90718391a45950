/**
 * JDBC connections kept between runs for a while, shared by the SQLite and PostgreSQL sides.
 */
package io.offsite.replication.connection;
