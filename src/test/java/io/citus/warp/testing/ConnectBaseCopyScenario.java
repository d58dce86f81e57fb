package io.citus.warp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.workload.TpcbWorkload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration deployed through Connect REST alone, as a user deploys it: the three shipped configs (sink, base copy,
 * Debezium source, in that order, so the copy waits for the source's slot), on a Connect cluster of two workers, with a
 * TPC-B load running throughout. Mid-copy the worker running the base copy's {@code Connector} instance (which holds
 * the snapshot) is killed with SIGKILL: its tasks move, the new instance starts the copy over under a new snapshot, and
 * the sink, holding the stream until the copy has finished, skips what the new snapshot already holds. At the end the
 * target equals the source row for row, the TPC-B sums agree and the history has one row per source transaction.
 */
public final class ConnectBaseCopyScenario {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectBaseCopyScenario.class);
    /** A liveness bound, not a speed check (a shared 2-core machine). */
    private static final Duration WAIT = Duration.ofSeconds(900);

    private ConnectBaseCopyScenario() {
    }

    /** @param targetSchema schema of the (empty) TPC-B tables on the target */
    public static void run(TestEnvironment env, Migration m, TpcbWorkload tpcb, String targetSchema) throws Exception {
        Map<String, String> values = m.templateValues(TpcbWorkload.TABLES);
        Map<String, String> mapping = targetSchema.equals("public") ? Map.of()
                : Map.of(SinkConfigKeys.SCHEMA_MAPPING, "public=" + targetSchema);
        Map<String, String> sink = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, values));
        sink.put(SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS, m.bootstrapServers());
        sink.putAll(mapping);
        Map<String, String> copy = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.BASE_COPY, values));
        copy.put("copy.range.rows", "10000");
        copy.putAll(mapping);
        Map<String, String> source = ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, values);
        String copyName = "copy-" + m.id();

        ConnectWorkerProcess second = env.startExtraWorker();
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Long>> load = new ArrayList<>();
        boolean secondAlive = true;
        try {
            for (int i = 0; i < 2; i++) {
                load.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return tpcb.run(m::openSource, stop::get, 50);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            // Holds the copy of the smallest table (claimed last) until the kill, so the copy is still running then.
            Connection lock = m.target();
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("LOCK TABLE " + targetSchema + ".pgbench_history IN SHARE MODE");
            }
            m.connect().putConnectorConfig(m.sinkConnector(), sink);
            m.connect().putConnectorConfig(copyName, copy);
            m.connect().putConnectorConfig(m.sourceConnector(), source);

            JsonNode spread = Eventually.await(WAIT, "the copy's tasks on both workers and ranges copied", () -> m.connect().status(copyName),
                    status -> {
                        Migration.failIfFailed(copyName, status);
                        return workersOf(status).size() == 2 && copiedRanges(m) >= 2;
                    });
            LOG.info("base-copy connector on {}, its tasks on {}", spread.path("connector").path("worker_id").asText(), workersOf(spread));
            assertTrue(copy(m).map(c -> !c.finished()).orElse(false), "the copy is still running before the kill");

            String connectorWorker = spread.path("connector").path("worker_id").asText();
            if (connectorWorker.endsWith(":" + second.restUrl().getPort())) {
                LOG.info("killing the second worker, which runs the base-copy Connector instance");
                second.kill();
                secondAlive = false;
            } else {
                LOG.info("killing the first worker, which runs the base-copy Connector instance (a new one replaces it)");
                env.killAndRestartWorker();
            }
            lock.rollback();
            lock.close();

            BaseCopyTables.SlotCopy done = Eventually.await(WAIT, "the base copy finished", () -> copy(m), c -> {
                m.assertNoConnectorFailed();
                Migration.failIfFailed(copyName, m.connect().status(copyName));
                return c.isPresent() && c.get().finished();
            }).orElseThrow();
            assertTrue(done.attempt() >= 2, "the copy started over after its snapshot's session was killed: attempt " + done.attempt());
            LOG.info("base copy finished: attempt {}, {} rows in {} ranges", done.attempt(), done.rowsCopied(), done.ranges());
            Eventually.await(Duration.ofSeconds(60), "the exporting session's temporary slot dropped", () -> copySlots(m), n -> n == 0);
            Thread.sleep(3000); // load keeps running while the sink applies the stream
            Migration.failIfFailed(copyName, m.connect().status(copyName));
        } finally {
            stop.set(true);
            try {
                m.connect().delete(copyName);
            } catch (RuntimeException e) {
                LOG.warn("could not delete {}", copyName, e);
            }
            if (secondAlive) {
                second.close();
            }
        }
        TpcbMigration.assertLoadArrived(m, load, targetSchema, WAIT);
    }

    private static Set<String> workersOf(JsonNode status) {
        Set<String> workers = new HashSet<>();
        for (JsonNode task : status.path("tasks")) {
            if ("RUNNING".equals(task.path("state").asText())) {
                workers.add(task.path("worker_id").asText());
            }
        }
        return workers;
    }

    private static Optional<BaseCopyTables.SlotCopy> copy(Migration m) {
        try (Connection dst = m.target()) {
            return BaseCopyTables.read(dst, SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, m.slotName());
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static long copiedRanges(Migration m) {
        return copy(m).map(BaseCopyTables.SlotCopy::rangesCopied).orElse(0L);
    }

    private static long copySlots(Migration m) {
        try (Connection src = m.source(); Statement s = src.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'warp\\_copy\\_%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
