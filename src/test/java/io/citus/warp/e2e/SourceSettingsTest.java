package io.citus.warp.e2e;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.verify.Verification;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings a database carries for its application — {@code idle_in_transaction_session_timeout},
 * {@code statement_timeout}, {@code lock_timeout} — do not kill the base copy's or verify's sessions: a copy stream waits
 * in its snapshot's transaction between ranges (here: behind a lock held on the target for a few seconds), and every
 * rerun used to fail the same way.
 */
@EndToEnd
class SourceSettingsTest {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSettingsTest.class);

    @Test
    void databaseTimeoutsDoNotKillTheCopyOrVerify(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "timeouts")) {
            String ddl = "CREATE TABLE big (id int PRIMARY KEY, v text); CREATE TABLE small (id int PRIMARY KEY, v text)";
            m.sourceSql(ddl, "INSERT INTO big SELECT g, 'b' || g FROM generate_series(1, 6000) g",
                    "INSERT INTO small SELECT g, 's' || g FROM generate_series(1, 10) g", "VACUUM ANALYZE big, small");
            m.targetSql(ddl);
            for (String[] side : new String[][] {{"source", m.sourceDatabase()}, {"target", m.targetDatabase()}}) {
                try (Connection c = side[0].equals("source") ? env.source().connect("postgres") : env.target().connect("postgres")) {
                    for (String setting : List.of("idle_in_transaction_session_timeout = '1s'", "statement_timeout = '1s'",
                            "lock_timeout = '1s'", "idle_session_timeout = '1s'")) {
                        Sql.exec(c, "ALTER DATABASE \"" + side[1] + "\" SET " + setting);
                    }
                }
            }
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            List<TableCopy> tables = List.of(TableCopy.same(new TableName("public", "big")), TableCopy.same(new TableName("public", "small")));

            // A lock on small keeps one stream waiting on the target while the other idles in its snapshot's transaction.
            Connection lock = m.target();
            lock.setAutoCommit(false);
            Sql.exec(lock, "SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET statement_timeout = 0");
            Sql.exec(lock, "LOCK TABLE small IN SHARE MODE");
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try (lock) {
                    Thread.sleep(4000);
                    lock.rollback();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            BaseCopy.Result result = new BaseCopy(source, target, "warp", new BaseCopyOptions(2, 1_000, false), LOG::info)
                    .run(m.slotName(), m.publicationName(), tables);
            release.join();
            assertEquals(6_010, result.rows());
            TableDigest.assertEqual(m, "big", "id");
            TableDigest.assertEqual(m, "small", "id");

            Verification.Result verify = Verification.run(source, target, List.of(new TableName("public", "big"),
                    new TableName("public", "small")), TableMapping.identity(), 1000, 0);
            assertTrue(verify.equal(), verify.toString());
        }
    }

    /**
     * FORCE ROW LEVEL SECURITY with warp connecting as the table's owner (no superuser, no BYPASSRLS): the copy read the
     * table through the policy — "done, 0 rows" for a 900-row table — and verify read through it too, so it would have
     * found the empty target equal. Both now fail, naming the table, instead of reading fewer rows (warp check refuses
     * the table beforehand and says what the role needs).
     */
    @Test
    void forcedRowSecurityFailsTheCopyAndVerifyInsteadOfHidingRows(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "forcedrls")) {
            m.sourceSql("DO $$ BEGIN CREATE ROLE rls_owner LOGIN REPLICATION NOSUPERUSER NOBYPASSRLS;"
                    + " EXCEPTION WHEN duplicate_object THEN NULL; END $$", "GRANT CREATE ON DATABASE \"" + m.sourceDatabase() + "\" TO rls_owner");
            try (Connection owner = java.sql.DriverManager.getConnection(env.source().jdbcUrl(m.sourceDatabase()), "rls_owner", "")) {
                for (String sql : List.of("CREATE SCHEMA app", "CREATE TABLE app.docs (id int PRIMARY KEY, tenant int NOT NULL, body text)",
                        "INSERT INTO app.docs SELECT g, g % 30, 'doc ' || g FROM generate_series(1, 900) g",
                        "ALTER TABLE app.docs ENABLE ROW LEVEL SECURITY", "ALTER TABLE app.docs FORCE ROW LEVEL SECURITY",
                        "CREATE POLICY tenant_only ON app.docs USING (tenant = current_setting('app.tenant', true)::int)")) {
                    Sql.exec(owner, sql);
                }
            }
            m.targetSql("CREATE SCHEMA app", "CREATE TABLE app.docs (id int PRIMARY KEY, tenant int NOT NULL, body text)");
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), "rls_owner", "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            List<TableCopy> tables = List.of(TableCopy.same(new TableName("app", "docs")));
            Exception copy = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> new BaseCopy(source, target, "warp",
                    new BaseCopyOptions(2, 1_000, false), LOG::info).run(m.slotName(), m.publicationName(), tables),
                    "the copy must not load the rows the policy shows");
            assertTrue(copy.getMessage().contains("app.docs") && copy.getMessage().contains("row-level security"), copy.getMessage());
            try (Connection t = m.target()) {
                assertEquals("0", Sql.one(t, "SELECT count(*) FROM app.docs"));
            }
            Exception verify = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Verification.run(source, target,
                    List.of(new TableName("app", "docs")), TableMapping.identity(), 1000, 0),
                    "verify must not compare an empty target with the rows the policy shows");
            assertTrue(verify.getMessage().contains("row-level security"), verify.getMessage());
        }
    }
}
