package io.offsite.backup.readback;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Plain dumps read the way psql reads them: what pg_dump writes passes, anything psql would run on this machine is refused. */
class PlainDumpCheckTest {

    static final String HEAD = """
            \\restrict Abc123xyz
            SET statement_timeout = 0;
            SET client_encoding = 'UTF8';
            SET standard_conforming_strings = on;
            SELECT pg_catalog.set_config('search_path', '', false);
            """;
    static final String TAIL = """
            \\unrestrict Abc123xyz
            --
            -- PostgreSQL database dump complete
            --
            """;

    static void check(String dump) throws Exception {
        PlainDumpCheck.check(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
    }

    static void refused(String body, String why) {
        assertThatThrownBy(() -> check(HEAD + body + TAIL)).isInstanceOf(BackupDefectException.class).hasMessageContaining(why);
    }

    @Test
    void whatPgDumpWritesPasses() {
        String body = """
                CREATE TABLE public.t (id integer, note text, "we;ird" text);
                COMMENT ON TABLE public.t IS 'C:\\path\\ and ''quotes'' \\! not a command';
                CREATE FUNCTION public.f(a integer) RETURNS text LANGUAGE plpgsql AS $_$ begin return E'\\\\' || $1 || '\\!'; end $_$;
                CREATE FUNCTION public.g() RETURNS integer LANGUAGE sql
                BEGIN ATOMIC
                 SELECT 1;
                 SELECT CASE WHEN true THEN 2 ELSE 3 END;
                END;
                /* a block \\! comment /* nested */ still comment */
                -- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: x \\!
                ALTER TABLE public.t ALTER COLUMN id SET DEFAULT 1e10;
                CREATE VIEW public.v AS SELECT (ARRAY[1, 2, 3])[1:2] AS a, 'x'::text AS b, .5 AS c, 1.5e-3 AS d;

                COPY public.t (id, note, "we;ird") FROM stdin;
                1\t\\N\ttab\\there
                2\tback\\\\slash\t\\r\\n\\b\\f\\v
                \\.

                SELECT E'it''s \\' still a string; \\! inside';
                """;
        assertThatCode(() -> check(HEAD + body + TAIL)).doesNotThrowAnyException();
    }

    @Test
    void aShellEscapeIsRefusedAtTheStartOrInTheMiddleOfALine() {
        refused("\\! touch /tmp/pwned\n", "psql meta-command '\\! touch /tmp/pwned'");
        refused("SELECT 1; \\! touch /tmp/pwned\n", "meta-command");
        refused("SELECT 1 \\g |sh\n", "meta-command");
        refused("\\o |sh\n", "meta-command");
        refused("\\copy t from program 'id'\n", "meta-command");
        refused("SELECT '\\'; \\! touch /tmp/pwned';\n", "meta-command");
    }

    @Test
    void aCopyInAStringCommentOrFunctionBodyStartsNoData() {
        refused("SELECT '\nCOPY t FROM stdin;\n';\n\\! touch /tmp/pwned\n\\.\n", "meta-command");
        refused("/*\nCOPY t FROM stdin;\n*/\n\\! touch /tmp/pwned\n\\.\n", "meta-command");
        refused("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; COPY t FROM stdin;\n\\t `touch /tmp/pwned`\n\\.\nEND;\n",
                "meta-command");
        refused("CREATE TABLE x (a int, COPY int);\nSELECT (1;\nCOPY t FROM stdin);\n\\! touch\n\\.\n", "meta-command");
    }

    @Test
    void tableDataHoldsOnlyWhatCopyWrites() {
        refused("COPY t (a) FROM stdin;\n\\! touch /tmp/pwned\n\\.\n", "backslash sequence COPY never writes");
        refused("COPY t (a) FROM stdin; \\! touch /tmp/pwned\n1\n\\.\n", "text after 'COPY ... FROM stdin;'");
        refused("COPY t (a) FROM stdin;\n1\n\\.\n\\! touch /tmp/pwned\n", "meta-command");
    }

    @Test
    void whatPsqlVersionsReadDifferentlyIsRefused() {
        refused("SET standard_conforming_strings = off;\n", "standard_conforming_strings");
        refused("SELECT set_config('standard_conforming_strings', 'off', false);\n", "standard_conforming_strings");
        refused("SET client_encoding = 'SJIS';\n", "client encoding");
        refused("SELECT 1xend;\n", "number glued to a word");
        refused("SELECT 1$a$ \\! $a$;\n", "number glued");
        refused("SELECT 1;\0 '\n\\! touch\n", "NUL byte");
        // psql substitutes (and reads again) variables: :end is no END to psql, so the body below would go on
        refused("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT :end; COPY t FROM stdin;\n\\t `touch x`\n\\.\n",
                "psql variable reference");
        // 1.e5 is one number to psql: no identifier e5 in front of CREATE to switch off the tracking of BEGIN ... END
        refused("1.e5 CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; COPY t FROM stdin;\n\\t `touch x`\n\\.\n",
                "meta-command");
        refused("SELECT 1\n\\restrict abc\n;\n", "meta-command");
    }
}
