package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debezium crashed mid-snapshot while the sink is behind: the sink is paused, the source connector starts its
 * snapshot, and the Connect worker is killed (SIGKILL) before the snapshot is done, so Debezium never records it as
 * done and snapshots again at a new LSN after the restart; the source changed in between (deleted, updated and new
 * rows). Only then does the sink resume, so its batches hold the tail of the first snapshot and the head of the
 * second together. The target must end equal to the source, holding no row of the first snapshot that the second
 * no longer has. (SnapshotRedeliveryTest covers a graceful stop with the sink keeping up.)
 */
@EndToEnd
@Tag("chaos")
class SnapshotCrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCrashTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(300);
    private static final int ROWS = 100_000;
    private static final String SCHEMA = """
            CREATE TABLE accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
            CREATE TABLE branches (bid int PRIMARY KEY, name text);
            """;

    @Test
    void aSnapshotCutByACrashAndTakenAgainLeavesNoStaleRows(TestEnvironment env) throws Exception {
        Assumptions.assumeTrue(env.workerInSeparateJvm(), "only a worker in its own JVM can be killed");
        try (Migration m = new Migration(env, "snapcrash")) {
            m.sourceSql(SCHEMA,
                    "INSERT INTO accounts SELECT g, 1 + g % 10, 0, '' FROM generate_series(1, " + ROWS + ") g",
                    "INSERT INTO branches SELECT g, 'branch ' || g FROM generate_series(1, 10) g");
            m.targetSql(SCHEMA);
            String tables = "public.branches,public.accounts";
            m.deploySink(tables);
            m.connect().pause(m.sinkConnector());
            Eventually.await(WAIT, "sink PAUSED", () -> "PAUSED".equals(
                    m.connect().status(m.sinkConnector()).path("connector").path("state").asText()));

            m.deploySource(tables);
            try (SnapshotRecords topic = new SnapshotRecords(env.bootstrapServers(), m.changesTopic())) {
                Eventually.await(WAIT, "first snapshot records in the topic", () -> {
                    topic.poll();
                    return topic.records() > 0;
                });
                // Invisible to the first snapshot (its transaction started before), in the second one.
                m.sourceSql("DELETE FROM accounts WHERE aid % 1000 = 0",
                        "UPDATE accounts SET abalance = 7 WHERE aid % 777 = 0",
                        "INSERT INTO accounts SELECT g, 1, 1, 'late' FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 100) + ") g",
                        "DELETE FROM branches WHERE bid = 10");
                env.killAndRestartWorker();
                m.awaitRunning(m.sourceConnector());

                Eventually.await(WAIT, "a second snapshot in the topic, complete", () -> {
                    topic.drain();
                    return topic.rowsByLsn.size() >= 2 && topic.lastSeen;
                });
                LOG.info("snapshot records by snapshot LSN: {}", topic.rowsByLsn);
                long first = topic.rowsByLsn.firstEntry().getValue();
                assertTrue(first < ROWS + 10, "the worker was killed mid-snapshot: the first snapshot has " + first
                        + " of " + (ROWS + 10) + " rows (if it completed, raise ROWS)");
                assertEquals(ROWS - ROWS / 1000 + 100 + 9, topic.rowsByLsn.lastEntry().getValue(),
                        "rows of the second snapshot");
            }

            m.connect().resume(m.sinkConnector());
            m.awaitRunning(m.sinkConnector());
            TableDigest.awaitEqual(m, WAIT, "branches", "bid", "accounts", "aid");
            m.sourceSql("UPDATE accounts SET abalance = abalance + 1 WHERE aid <= 10", "INSERT INTO branches VALUES (11, 'new')");
            TableDigest.awaitEqual(m, WAIT, "branches", "bid", "accounts", "aid");
            TableDigest.assertEqual(m, "branches", "bid");
            try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                    "SELECT table_name, rows_applied, completed FROM warp.snapshot_progress WHERE stream = ? ORDER BY table_name")) {
                ps.setString(1, m.sinkConnector());
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("public.accounts", rs.getString(1));
                    assertEquals(ROWS - ROWS / 1000 + 100, rs.getLong(2), "accounts rows of the snapshot applied");
                    assertTrue(rs.getBoolean(3), "accounts snapshot completed");
                    assertTrue(rs.next());
                    assertEquals(9, rs.getLong(2), "branches rows of the snapshot applied");
                }
            }
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts WHERE aid % 1000 = 0")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "rows deleted before the second snapshot are not on the target");
            }
        }
    }

    /** Counts the topic's snapshot records per snapshot LSN, keeping nothing else (the topic holds twice the table). */
    private static final class SnapshotRecords implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        final TreeMap<Long, Long> rowsByLsn = new TreeMap<>();
        boolean lastSeen;
        private long records;

        SnapshotRecords(String bootstrapServers, String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"),
                    new StringDeserializer(), new StringDeserializer());
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
        }

        /** Reads one batch (to kill the worker as soon as the snapshot has begun). */
        void poll() throws IOException {
            count(consumer.poll(Duration.ofMillis(300)));
        }

        /** Reads until a poll finds nothing new. */
        void drain() throws IOException {
            for (var batch = consumer.poll(Duration.ofMillis(300)); !batch.isEmpty(); batch = consumer.poll(Duration.ofMillis(300))) {
                count(batch);
            }
        }

        private void count(org.apache.kafka.clients.consumer.ConsumerRecords<String, String> batch) throws IOException {
            for (var r : batch) {
                records++;
                if (r.value() == null) {
                    continue;
                }
                JsonNode source = JSON.readTree(r.value()).path("payload").path("source");
                String snapshot = source.path("snapshot").asText("false");
                if (source.isMissingNode() || snapshot.equals("false")) {
                    continue;
                }
                rowsByLsn.merge(source.path("lsn").asLong(), 1L, Long::sum);
                if (snapshot.equals("last")) {
                    if (rowsByLsn.size() < 2) {
                        throw new AssertionError("the first snapshot completed before the worker was killed (raise ROWS): "
                                + rowsByLsn);
                    }
                    lastSeen = true;
                }
            }
        }

        long records() {
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
