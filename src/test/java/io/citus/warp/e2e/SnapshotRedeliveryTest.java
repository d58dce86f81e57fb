package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The initial snapshot delivered twice: the source connector is stopped in the middle of its snapshot,
 * its offsets deleted and the source changed before it resumes, so Debezium snapshots everything again
 * (at a new LSN) while part of the first snapshot is already on the target; the sink task is restarted
 * during the second snapshot as well. The target ends equal to the source, with no duplicate-key failure
 * and no duplicated or resurrected rows, and snapshot_progress shows the rows of each table.
 */
@EndToEnd
class SnapshotRedeliveryTest {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRedeliveryTest.class);
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String SCHEMA = """
            CREATE TABLE accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
            CREATE TABLE branches (bid int PRIMARY KEY, name text);
            """;

    @Test
    void aSnapshotDeliveredAgainNeitherFailsNorDuplicates(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "resnap")) {
            m.sourceSql(SCHEMA,
                    "INSERT INTO accounts SELECT g, 1 + g % 10, 0, '' FROM generate_series(1, 100000) g",
                    "INSERT INTO branches SELECT g, 'branch ' || g FROM generate_series(1, 10) g");
            m.targetSql(SCHEMA);
            String tables = "public.branches,public.accounts";
            m.deploySource(tables);
            m.deploySink(tables);

            // Stop the source as soon as part of the first snapshot is on the target.
            Map<String, long[]> first = Eventually.await(WAIT, "first snapshot rows on the target", () -> progress(m),
                    p -> p.values().stream().anyMatch(r -> r[0] > 0));
            m.connect().stop(m.sourceConnector());
            Eventually.await(WAIT, "source STOPPED", () -> "STOPPED".equals(
                    m.connect().status(m.sourceConnector()).path("connector").path("state").asText()));
            Map<String, long[]> atStop = progress(m);
            LOG.info("first snapshot stopped with {}", describe(atStop));
            m.connect().resetOffsets(m.sourceConnector());

            // Changes while the source connector is away: the second snapshot must carry them, and rows deleted
            // now must not survive on the target from the first snapshot.
            m.sourceSql("DELETE FROM accounts WHERE aid % 1000 = 0",
                    "UPDATE accounts SET abalance = 7 WHERE aid % 777 = 0",
                    "INSERT INTO accounts SELECT g, 1, 1, 'late' FROM generate_series(100001, 100100) g",
                    "DELETE FROM branches WHERE bid = 10");
            m.connect().resume(m.sourceConnector());
            m.awaitRunning(m.sourceConnector());

            // Restart the sink task while the second snapshot is being loaded.
            Eventually.await(WAIT, "second snapshot under way", () -> progress(m),
                    p -> p.values().stream().anyMatch(r -> r[2] != atStop.values().iterator().next()[2]));
            m.connect().restartTask(m.sinkConnector(), 0);
            m.awaitRunning(m.sinkConnector());

            TableDigest.awaitEqual(m, WAIT, "branches", "bid", "accounts", "aid");
            m.sourceSql("UPDATE accounts SET abalance = abalance + 1 WHERE aid <= 10", "INSERT INTO branches VALUES (11, 'new')");
            TableDigest.awaitEqual(m, WAIT, "branches", "bid", "accounts", "aid");
            TableDigest.assertEqual(m, "branches", "bid");
            m.awaitRunning(m.sinkConnector());

            Map<String, long[]> done = progress(m);
            LOG.info("after the second snapshot: {}", describe(done));
            assertEquals(100000 - 100 + 100, done.get("public.accounts")[0], "accounts rows of the second snapshot");
            assertEquals(9, done.get("public.branches")[0], "branches rows of the second snapshot");
            assertTrue(done.values().stream().allMatch(r -> r[1] == 1), "both tables' snapshots completed: " + describe(done));
            assertTrue(first.size() >= 1);
        }
    }

    /** Per table: rows applied, completed (1/0), snapshot LSN as a number. */
    private static Map<String, long[]> progress(Migration m) throws SQLException {
        Map<String, long[]> rows = new LinkedHashMap<>();
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT table_name, rows_applied, completed, (snapshot_lsn - '0/0'::pg_lsn)::bigint FROM warp.snapshot_progress "
                        + "WHERE stream = ? ORDER BY table_name")) {
            ps.setString(1, m.sinkConnector());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new long[] {rs.getLong(2), rs.getBoolean(3) ? 1 : 0, rs.getLong(4)});
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return rows; // the sink has not created its progress tables yet
            }
            throw e;
        }
        return rows;
    }

    private static String describe(Map<String, long[]> progress) {
        StringBuilder sb = new StringBuilder();
        progress.forEach((t, r) -> sb.append(t).append(": ").append(r[0]).append(" rows").append(r[1] == 1 ? " complete" : "")
                .append(" @").append(r[2]).append("; "));
        return sb.toString();
    }
}
