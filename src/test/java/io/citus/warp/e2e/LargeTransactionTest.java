package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source transaction larger than the sink's transaction buffer is written in parts into one target
 * transaction: a reader on the target only ever sees the state before it or after it, and the result is exact
 * when the target connection is cut mid-way (the parts are read again from Kafka) and when the Debezium task
 * restarts while emitting it (BEGIN again, then a re-send of its tail).
 */
@EndToEnd
class LargeTransactionTest {
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final String SCHEMA = "CREATE TABLE big (id bigint PRIMARY KEY, grp int NOT NULL, payload text)";
    /** Far smaller than the transactions below, so they go out in many parts. */
    private static final Map<String, String> SMALL_BUFFER = Map.of("apply.transaction.buffer.changes", "1000",
            "retry.backoff.ms", "200");

    @Test
    void aTransactionWrittenInPartsIsSeenWholeOrNotAtAllAndSurvivesLostConnections(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "bigtx")) {
            start(m);
            String before = state(m.source());
            AtomicBoolean stop = new AtomicBoolean();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> sample(m, stop, seen));

            bulkTransaction(m, 20_000);
            String after = state(m.source());
            int killed = 0;
            for (int i = 0; i < 6; i++) {
                Thread.sleep(700);
                killed += terminateSinkSessions(m);
            }
            TableDigest.awaitEqual(m, WAIT, "big", "id");
            stop.set(true);
            reader.get();
            m.awaitRunning(m.sinkConnector());
            assertTrue(killed > 0, "the sink's target connection was cut while it applied");
            seen.remove(before);
            seen.remove(after);
            assertEquals(Set.of(), seen, "states the reader saw that never existed on the source (before: " + before
                    + ", after: " + after + ")");
        }
    }

    /**
     * Debezium restarted while it emits the transaction sends BEGIN again and a tail of it. The sink either applies
     * the transaction exactly once, or — when the copy it had received ended inside a WAL record holding several
     * COPY rows, after which Debezium 3.6 resumes and may skip the record's other rows — stops, naming the
     * transaction, with nothing of it applied. Never a target that silently differs.
     */
    @Test
    void aSourceTaskRestartWhileItEmitsALargeTransactionAppliesItExactlyOnceOrRefusesIt(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "bigresend")) {
            start(m);
            String before = state(m.source());
            bulkTransaction(m, 30_000);
            Thread.sleep(1000);
            m.restartTask(m.sourceConnector());
            String outcome = io.citus.warp.testing.Eventually.await(WAIT, "the transaction applied or refused", () -> {
                com.fasterxml.jackson.databind.JsonNode task = m.connect().status(m.sinkConnector()).path("tasks").path(0);
                if ("FAILED".equals(task.path("state").asText())) {
                    return task.path("trace").asText();
                }
                return state(m.target()).equals(state(m.source())) ? "applied" : null;
            }, java.util.Objects::nonNull);
            if (outcome.equals("applied")) {
                TableDigest.assertEqual(m, "big", "id");
            } else {
                assertTrue(outcome.contains("may have skipped") && outcome.contains("Re-snapshot"), outcome);
                assertEquals(before, state(m.target()), "nothing of the refused transaction is on the target");
            }
        }
    }

    private static void start(Migration m) throws SQLException {
        m.sourceSql(SCHEMA, "INSERT INTO big SELECT g, 0, 'seed' FROM generate_series(1, 10) g");
        m.targetSql(SCHEMA);
        m.deploySource("public.big");
        m.deploySink("public.big", SMALL_BUFFER);
        TableDigest.awaitEqual(m, WAIT, "big", "id");
    }

    /** One transaction: a COPY (rows sharing LSNs per page), updates and deletes of rows it copied, an insert. */
    private static void bulkTransaction(Migration m, int rows) throws Exception {
        try (Connection c = m.source()) {
            c.setAutoCommit(false);
            long first;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM big")) {
                rs.next();
                first = rs.getLong(1);
            }
            StringBuilder data = new StringBuilder();
            for (long id = first; id < first + rows; id++) {
                data.append(id).append('\t').append(id % 13).append('\t').append("row ").append(id).append('\n');
            }
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY big FROM STDIN", new StringReader(data.toString()));
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE big SET grp = grp + 100 WHERE id % 7 = 0");
                s.execute("DELETE FROM big WHERE id % 11 = 0");
                s.execute("INSERT INTO big VALUES (" + (first + rows) + ", 1, 'last')");
            }
            c.commit();
        }
    }

    private static String state(Connection connection) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(grp), 0) FROM big")) {
            rs.next();
            return rs.getLong(1) + " rows, sum " + rs.getLong(2);
        }
    }

    private static void sample(Migration m, AtomicBoolean stop, Set<String> seen) {
        while (!stop.get()) {
            try {
                seen.add(state(m.target()));
                Thread.sleep(20);
            } catch (SQLException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    return;
                }
            }
        }
    }

    private static int terminateSinkSessions(Migration m) throws SQLException {
        try (Connection dst = m.target(); Statement s = dst.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'citus-warp-sink'"
                        + " AND datname = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
