package io.citus.warp.cli;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code warp check} on what the source's types and values mean before anything starts: a domain over an enum or an
 * enum without labels anywhere in the database (Debezium 3.6 cannot start on it) is a BLOCKER naming them and the way
 * out; built-in types the sink would refuse are BLOCKERs or WARNs by their type; columns that travel as the source's
 * text are listed; each table's largest row is measured against the largest
 * change event, REPLICA IDENTITY FULL doubling it: a WARN over half the limit, a BLOCKER over it.
 */
@EndToEnd
class UserTypeCheckTest {
    private static final String LARGE_TEXT = "(SELECT left(string_agg(encode(sha256(i::text::bytea), 'hex'), ''), 60000000)"
            + " FROM generate_series(1, 937501) i)";

    @Test
    void checkRefusesWhatStopsDebeziumListsSourceTextColumnsAndMeasuresTheLargestRows(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "typecheck")) {
            m.sourceSql("CREATE TYPE mood AS ENUM ('sad', 'ok')",
                    "CREATE TYPE pair AS (a int, b text)",
                    "CREATE TABLE people (id int PRIMARY KEY, ms mood[], p pair, note text)",
                    "CREATE TABLE docs (id int PRIMARY KEY, body text)",
                    "CREATE TABLE audited (id int PRIMARY KEY, body text)",
                    "CREATE TABLE legacy (id int PRIMARY KEY, spans interval[], flags varbit(8), at timetz, grid int[][])",
                    "ALTER TABLE audited REPLICA IDENTITY FULL",
                    "INSERT INTO docs VALUES (1, " + LARGE_TEXT + "), (2, 'small')",
                    "INSERT INTO audited SELECT id, body FROM docs");
            String tables = "public.people,public.docs,public.audited";
            String report = check(env, m, tables + ",public.legacy", Warp.FINDINGS);
            assertLine(report, "OK", "source", "enum types", "every enum-category type has labels");
            assertLine(report, "OK", "source", "user-defined types", "public.people.ms (mood[])");
            assertLine(report, "OK", "source", "user-defined types", "public.people.p (pair)");
            assertLine(report, "WARN", "source", "largest row public.docs", "about 57 MB (largest value: body, 57 MB)");
            assertLine(report, "BLOCKER", "source", "largest row public.audited", "doubled by REPLICA IDENTITY FULL");
            assertFalse(report.contains("largest row public.people"), report);
            // Built-in types the sink would refuse, known from their types alone.
            assertLine(report, "BLOCKER", "source", "arrays without a converter", "public.legacy.spans (interval[])");
            assertLine(report, "BLOCKER", "source", "bit varying", "public.legacy.flags (bit varying(8))");
            assertLine(report, "BLOCKER", "source", "multi-dimensional arrays", "public.legacy.grid (integer[])");
            assertLine(report, "WARN", "source", "time with time zone", "public.legacy.at (time with time zone)");

            // A domain over an enum and an enum without labels, used by no migrated table: Debezium reads them all.
            m.sourceSql("UPDATE audited SET body = 'small'", "CREATE DOMAIN happy AS mood CHECK (VALUE <> 'sad')",
                    "CREATE TYPE nothing AS ENUM ()");
            report = check(env, m, tables, Warp.FINDINGS);
            assertLine(report, "BLOCKER", "source", "enum types", "a domain over an enum (happy) or an enum without labels (nothing)");
            assertLine(report, "BLOCKER", "source", "enum types", "DROP DOMAIN");
            assertFalse(report.contains("largest row public.audited"), report);

            m.sourceSql("DROP DOMAIN happy", "ALTER TYPE nothing ADD VALUE 'now'");
            report = check(env, m, tables, Warp.OK);
            assertLine(report, "OK", "source", "enum types", "every enum-category type has labels");
        }
    }

    private static String check(TestEnvironment env, Migration m, String tables, int expectedCode) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), "check",
                "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                "--target", env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(),
                "--tables", tables, "--name", m.id().replace('_', '-'), "--schema-will-be-created",
                "--connect-url", env.connect().baseUrl().toString(), "--bootstrap-servers", env.bootstrapServers(),
                "--secrets-file", env.secretsFile().toString());
        String report = out.toString();
        assertEquals(expectedCode, code, report + err);
        return report;
    }

    private static void assertLine(String report, String level, String side, String check, String detail) {
        boolean found = report.lines().anyMatch(l -> l.matches("\\s*" + level + "\\s+" + side + "\\s+" + Pattern.quote(check) + "\\s+.*")
                && l.contains(detail));
        assertTrue(found, level + " " + side + " " + check + " ... " + detail + " in:\n" + report);
    }
}
