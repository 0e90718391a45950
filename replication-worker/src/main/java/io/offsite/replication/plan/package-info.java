/**
 * Pure planning, no JDBC, no Spring: table schemas, SQLite to PostgreSQL type mapping, foreign-key order, SQL
 * building, COPY text encoding and comparison, batch plan and progress lines, and the chunks rows travel in.
 */
package io.offsite.replication.plan;
