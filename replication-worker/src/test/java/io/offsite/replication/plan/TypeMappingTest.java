package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeMappingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "TEXT|text", "INTEGER|bigint", "int|bigint", "BIGINT|bigint", "VARCHAR(255)|text", "NVARCHAR(10)|text", "CLOB|text",
            "BLOB|bytea", "REAL|double precision", "DOUBLE PRECISION|double precision", "FLOAT|double precision",
            "NUMERIC|numeric", "DECIMAL(10,5)|numeric", "BOOLEAN|boolean", "DATE|text", "DATETIME|text", "JSON|jsonb",
            "''|text", "GEOMETRY|text",
            // SQLite reads "POINT" as INTEGER affinity too (it contains INT)
            "POINT|bigint",
            // SQLite's rule order: INT wins over CHAR ("CHARINT" has INTEGER affinity)
            "CHARINT|bigint"})
    void followsSqliteAffinity(String declared, String expected) {
        assertThat(TypeMapping.postgresType(declared)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} has text affinity: {1}")
    @CsvSource(delimiter = '|', value = {"TEXT|true", "VARCHAR(10)|true", "CLOB|true", "CHARINT|false", "INTEGER|false", "''|false",
            "BLOB|false", "REAL|false", "JSON|false"})
    void textAffinity(String declared, boolean expected) {
        assertThat(TypeMapping.hasTextAffinity(declared)).isEqualTo(expected);
    }
}
