package io.citus.warp.cli;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `warp schema` and `warp check` against a real Citus cluster: tables are created from the source's
 * catalog, distributed and made reference tables from the plan (the primary key extended by the
 * distribution column), and the preflight reports the distribution it finds.
 */
@EndToEnd
@Citus
class WarpOnCitusTest {

    @Test
    void schemaDistributesFromThePlanAndCheckReportsIt(TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "clicitus", citus)) {
            String s = m.id();
            m.sourceSql("CREATE SCHEMA " + s,
                    "CREATE TABLE " + s + ".orders (id bigint PRIMARY KEY, tenant_id int NOT NULL, amount numeric(12,2))",
                    "CREATE TABLE " + s + ".countries (code text PRIMARY KEY, name text NOT NULL)");
            try {
                String[] common = {
                        "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                        "--target", citus.jdbcUrl() + "?user=" + citus.user(),
                        "--tables", s + ".orders," + s + ".countries",
                        "--name", s.replace('_', '-'),
                        "--connect-url", env.connect().baseUrl().toString(),
                        "--bootstrap-servers", env.bootstrapServers(),
                        "--secrets-file", env.secretsFile().toString()};
                String[] schema = concat(new String[] {"schema", "--ddl-from", "CATALOG",
                        "--distribute", s + ".orders:tenant_id", "--reference", s + ".countries"}, common);
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), schema);
                assertEquals(Warp.OK, code, out + "\n" + err);

                try (Connection c = citus.connect()) {
                    assertEquals("h|tenant_id", Sql.one(c, "SELECT partmethod::text || '|' || column_to_column_name(logicalrelid, partkey)"
                            + " FROM pg_dist_partition WHERE logicalrelid = '" + s + ".orders'::regclass"));
                    assertEquals("n", Sql.one(c, "SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = '"
                            + s + ".countries'::regclass"));
                    String pk = Sql.one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '" + s
                            + ".orders'::regclass AND contype = 'p'");
                    assertTrue(pk.contains("tenant_id") && pk.contains("id"), "primary key extended by the distribution column: " + pk);
                }

                StringWriter checkOut = new StringWriter();
                int checkCode = Warp.run(new PrintWriter(checkOut, true), new PrintWriter(new StringWriter(), true),
                        concat(new String[] {"check"}, common));
                String report = checkOut.toString();
                assertEquals(Warp.OK, checkCode, report);
                assertTrue(report.contains("distributed"), report);
                assertTrue(report.contains("reference"), report);
            } finally {
                m.targetSql("DROP SCHEMA IF EXISTS " + s + " CASCADE");
            }
        }
    }

    @Test
    void migrateCreateSchemaOnCitusWithoutAPlanIsRefusedBeforeAnythingIsCreated(TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "clinoplan", citus)) {
            String s = m.id();
            m.sourceSql("CREATE SCHEMA " + s, "CREATE TABLE " + s + ".items (id bigint PRIMARY KEY, v text)");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), "migrate", "--create-schema",
                    "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                    "--target", citus.jdbcUrl() + "?user=" + citus.user(),
                    "--tables", s + ".items", "--name", s.replace('_', '-'),
                    "--connect-url", env.connect().baseUrl().toString(), "--bootstrap-servers", env.bootstrapServers(),
                    "--secrets-file", env.secretsFile().toString());
            assertEquals(Warp.USAGE, code, out + "\n" + err);
            assertTrue(err.toString().contains("--distribute TABLE:COLUMN"), err.toString());
            try (Connection c = citus.connect()) {
                assertEquals("f", Sql.one(c, "SELECT to_regclass('" + s + ".items') IS NOT NULL"), "no table was created");
            }
            assertTrue(!env.connect().exists("warp-" + s.replace('_', '-') + "-source"), "nothing was deployed");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
