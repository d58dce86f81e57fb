package io.citus.warp.cli;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** warp schema copies type definitions whose text tries to end warp's quoting, as data, on real PostgreSQL servers. */
@EndToEnd
class SchemaQuotingEndToEndTest {
    @Test
    void hostileEnumLabelsAndCheckTextsStayData(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "quoting")) {
            String label = "x$warp$; DROP TABLE victim; DO $warp$ BEGIN";
            String check = "END $warp$; DROP TABLE victim; --";
            m.sourceSql("CREATE TYPE mood AS ENUM ('ok', " + Sql.literal(label) + ")",
                    "CREATE DOMAIN note AS text CHECK (VALUE <> " + Sql.literal(check) + ")",
                    "CREATE TABLE t (id int PRIMARY KEY, m mood, n note)");
            m.targetSql("CREATE TABLE victim (id int)");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), "schema",
                    "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                    "--target", env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(),
                    "--tables", "public.t", "--ddl-from", "CATALOG");
            assertEquals(Warp.OK, code, out + "" + err);
            try (Connection t = m.target()) {
                assertEquals("t", Sql.one(t, "SELECT to_regclass('victim') IS NOT NULL"), "nothing but the DDL ran");
                assertEquals("ok|" + label, Sql.one(t, "SELECT string_agg(enumlabel, '|' ORDER BY enumsortorder) FROM pg_enum"
                        + " WHERE enumtypid = 'mood'::regtype"));
                Sql.exec(t, "INSERT INTO t VALUES (1, " + Sql.literal(label) + ", 'fine')");
                String refused = null;
                try {
                    Sql.exec(t, "INSERT INTO t VALUES (2, 'ok', " + Sql.literal(check) + ")");
                } catch (java.sql.SQLException e) {
                    refused = e.getSQLState();
                }
                assertEquals("23514", refused, "the domain's CHECK came across intact");
            }
        }
    }
}
