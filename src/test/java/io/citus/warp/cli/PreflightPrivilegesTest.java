package io.citus.warp.cli;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code warp check} as a role that may read and write the tables but lacks what the migration needs beyond
 * that: REPLICATION, ownership of the tables (Debezium's CREATE PUBLICATION ... FOR TABLE), a logged table, and
 * on the target SELECT and UPDATE on the sequences cutover sets. Each is reported as a BLOCKER naming the fix.
 */
@EndToEnd
class PreflightPrivilegesTest {

    @Test
    void checkReportsOwnershipReplicationUnloggedTablesAndTargetSelectAndSequencePrivileges(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "privs")) {
            String role = "limited_" + m.id();
            String[] roleSql = {"CREATE ROLE " + role + " LOGIN NOSUPERUSER NOREPLICATION"};
            m.sourceSql(roleSql);
            m.targetSql(roleSql);
            try {
                m.sourceSql("CREATE TABLE owned (id serial PRIMARY KEY, v text)",
                        "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY, v text)",
                        "GRANT SELECT ON owned, scratch TO " + role,
                        "GRANT CREATE ON DATABASE " + m.sourceDatabase() + " TO " + role);
                m.targetSql("CREATE TABLE owned (id serial PRIMARY KEY, v text)",
                        "CREATE TABLE scratch (id int PRIMARY KEY, v text)",
                        "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON owned, scratch TO " + role,
                        "GRANT CREATE ON DATABASE " + m.targetDatabase() + " TO " + role);
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), "check",
                        "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + role,
                        "--target", env.target().jdbcUrl(m.targetDatabase()) + "?user=" + role,
                        "--tables", "public.owned,public.scratch", "--name", m.id().replace('_', '-'),
                        "--connect-url", env.connect().baseUrl().toString(), "--bootstrap-servers", env.bootstrapServers(),
                        "--secrets-file", env.secretsFile().toString());
                String report = out.toString();
                assertEquals(Warp.FINDINGS, code, report + err);
                assertBlocker(report, "source", "REPLICATION privilege", "ALTER ROLE");
                assertBlocker(report, "source", "table ownership", "does not own public.owned (owner postgres)");
                assertBlocker(report, "source", "unlogged tables", "public.scratch");
                assertBlocker(report, "target", "privileges public.owned", "lacks SELECT");
                assertBlocker(report, "target", "sequence privileges public.owned", "lacks UPDATE on owned_id_seq");
            } finally {
                String[] dropSql = {"DROP OWNED BY " + role, "DROP ROLE " + role};
                m.sourceSql(dropSql);
                m.targetSql(dropSql);
            }
        }
    }

    private static void assertBlocker(String report, String side, String check, String detail) {
        boolean found = report.lines().anyMatch(l -> l.matches("\\s*BLOCKER\\s+" + side + "\\s+" + java.util.regex.Pattern.quote(check) + "\\s+.*")
                && l.contains(detail));
        assertTrue(found, "BLOCKER " + side + " " + check + " ... " + detail + " in:\n" + report);
    }
}
