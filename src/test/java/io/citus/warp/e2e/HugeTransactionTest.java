package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One source transaction far larger than the Connect worker's heap, inserted while streaming: it must
 * arrive whole (one target transaction), with the sink task RUNNING throughout.
 *
 * <p>Size: {@code -Dwarp.huge.bytes} (e.g. {@code 12g}, {@code 400m}) of row payload, in rows of
 * {@code -Dwarp.huge.rowBytes} (default 8192) characters. Without {@code warp.huge.bytes} the size is
 * {@code 4 x} the worker's heap, taken from {@code -Dwarp.worker.heap} (set by a fixture that runs the worker
 * in its own JVM with that {@code -Xmx}). A worker inside the test JVM shares the test's heap (and the Kafka
 * broker's): a transaction larger than it would bring the whole test JVM down, so with neither property
 * set the test is skipped, saying so.
 *
 * <p>Tagged {@code huge} as well as {@code e2e}: it moves gigabytes through PostgreSQL, Kafka and the sink.
 */
@EndToEnd
@Tag("huge")
class HugeTransactionTest {
    private static final Logger LOG = LoggerFactory.getLogger(HugeTransactionTest.class);

    @Test
    void oneTransactionLargerThanTheWorkersHeap(TestEnvironment env) throws Exception {
        int rowBytes = Integer.getInteger("warp.huge.rowBytes", 8192);
        String explicit = System.getProperty("warp.huge.bytes");
        String workerHeap = System.getProperty("warp.worker.heap");
        Assumptions.assumeTrue(explicit != null || workerHeap != null, "the Connect worker runs inside the test JVM and "
                + "shares its " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap; set -Dwarp.huge.bytes=<size> to "
                + "run anyway, or run the worker in its own JVM and pass its -Xmx as -Dwarp.worker.heap");
        long bytes = explicit != null ? size(explicit) : 4 * size(workerHeap);
        long rows = Math.max(1, bytes / rowBytes);
        long free = Files.getFileStore(env.workDir()).getUsableSpace();
        // Kafka keeps each row as JSON with its schema (~1.3x the payload); PostgreSQL compresses the repeated payload.
        Assumptions.assumeTrue(free > 2 * bytes, "needs about " + 2 * bytes / (1 << 20) + " MiB free disk for "
                + rows + " rows in Kafka, has " + free / (1 << 20) + " MiB");
        Duration timeout = Duration.ofSeconds(Long.getLong("warp.huge.timeoutSeconds", 600 + rows / 500));
        LOG.info("huge transaction: {} rows x {} chars = {} MiB; worker heap {}; waiting up to {}", rows, rowBytes,
                bytes / (1 << 20), workerHeap != null ? workerHeap : Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB (this JVM)",
                timeout);

        try (Migration m = new Migration(env, "huge")) {
            String ddl = "CREATE TABLE big (id bigint PRIMARY KEY, payload text); CREATE TABLE after_big (id int PRIMARY KEY)";
            m.sourceSql(ddl, "INSERT INTO big VALUES (0, 'seed')", "INSERT INTO after_big VALUES (0)");
            m.targetSql(ddl);
            // Every buffer in the worker bounded in records, so a small heap holds them at this row size: Debezium's
            // queue and batches, the sink's consumer fetches and polls, and the sink's open-transaction buffer.
            m.deploySource("public.big,public.after_big", Map.of("max.queue.size", "1024", "max.batch.size", "256"));
            m.deploySink("public.big,public.after_big", Map.of("apply.transaction.buffer.changes", "1000",
                    "consumer.override.max.poll.records", "1000",
                    "consumer.override.max.partition.fetch.bytes", "8388608", "consumer.override.fetch.max.bytes", "16777216"));
            TableDigest.awaitEqual(m, Duration.ofSeconds(180), "big", "id", "after_big", "id");

            long t0 = System.nanoTime();
            // One statement, one transaction: every row is a change Debezium streams and the sink must apply atomically.
            m.sourceSql("INSERT INTO big SELECT g, repeat(md5(g::text), " + Math.max(1, rowBytes / 32) + ") FROM generate_series(1, "
                    + rows + ") g");
            long inserted = System.nanoTime();
            m.sourceSql("INSERT INTO after_big VALUES (1)");
            Eventually.await(timeout, "the transaction after the huge one applied on the target", () -> {
                assertNotFailed(m);
                try (Connection c = m.target(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM after_big WHERE id = 1")) {
                    rs.next();
                    return rs.getInt(1) == 1;
                }
            });
            LOG.info("huge transaction: source insert {} s, applied on the target {} s after it",
                    (inserted - t0) / 1_000_000_000, (System.nanoTime() - inserted) / 1_000_000_000);
            try (Connection src = m.source(); Connection dst = m.target()) {
                assertEquals(fingerprint(src), fingerprint(dst), "big: row count, payload length and hash of every row");
            }
        }
    }

    /** Count, total length and an order-independent sum of row hashes: no 8 GB string_agg. */
    private static String fingerprint(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), sum(length(payload)), "
                + "sum(hashtextextended(b::text, 0)::numeric) FROM big b")) {
            rs.next();
            return rs.getLong(1) + " rows, " + rs.getLong(2) + " chars, hash sum " + rs.getString(3);
        }
    }

    private static void assertNotFailed(Migration m) {
        for (String connector : new String[] {m.sinkConnector(), m.sourceConnector()}) {
            JsonNode status = m.connect().status(connector);
            for (JsonNode task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new AssertionError(connector + " task FAILED during the huge transaction: " + task.path("trace").asText());
                }
            }
        }
    }

    /** "12g", "400m", "65536k" or plain bytes. */
    static long size(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = switch (t.charAt(t.length() - 1)) {
            case 'g' -> 1L << 30;
            case 'm' -> 1L << 20;
            case 'k' -> 1L << 10;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }
}
