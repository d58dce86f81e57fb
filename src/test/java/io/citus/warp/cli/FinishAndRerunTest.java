package io.citus.warp.cli;

import io.citus.warp.migration.MigrationNames;
import static io.citus.warp.cli.WarpRun.args;
import static io.citus.warp.cli.WarpRun.warp;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code warp finish} leaves nothing a new run under the same --name could trip over (Debezium's source
 * offsets, the sink's consumer group and progress rows, the slot, the topic): a second run takes a new
 * snapshot and ends equal to the source. And it refuses to drop a slot another connector uses.
 */
@EndToEnd
class FinishAndRerunTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void finishRefusesWhileAnotherConnectorUsesTheSlotThenLeavesNothingBehindForARerun(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "rerun")) {
            String name = m.id().replace('_', '-');
            MigrationNames names = new MigrationNames(name);
            try {
                run(env, m, name, names);
            } finally {
                // warp's own names, which Migration.close() does not know, in case an assertion stopped the test early.
                for (String connector : List.of(names.sourceConnector(), names.sinkConnector(), "other-" + name)) {
                    try {
                        env.connect().delete(connector);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(FinishAndRerunTest.class).warn("could not delete {}", connector, e);
                    }
                }
                Eventually.await(WAIT, "slot " + names.slot() + " dropped", () -> {
                    try (Connection s = m.source()) {
                        Sql.one(s, "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = ?",
                                names.slot());
                        return true;
                    } catch (java.sql.SQLException e) {
                        return false; // still active for a moment
                    }
                });
            }
        }
    }

    private static void run(TestEnvironment env, Migration m, String name, MigrationNames names)
            throws Exception {
        m.sourceSql("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 200) g");
        assertEquals(Warp.OK, warp(args(env, m, "schema", "--tables", "public.t")).code());
        startAndCatchUp(env, m);

        // A connector of another name that reads the same slot (here a sink with slot.name set, which runs idle).
        String other = "other-" + name;
        Map<String, String> otherConfig = toMap(env.connect().connectorConfig(names.sinkConnector()));
        otherConfig.put("name", other);
        otherConfig.put("topics", "other-" + name + ".unused");
        otherConfig.put("progress.stream", other);
        otherConfig.put("slot.name", names.slot());
        env.connect().putConnectorConfig(other, otherConfig);

        WarpRun refused = warp(args(env, m, "finish", "--tables", "public.t", "--delete-topics"));
        assertEquals(Warp.FINDINGS, refused.code(), refused.out() + refused.err());
        assertTrue((refused.out() + refused.err()).contains("--delete-connectors"), refused.out() + refused.err());
        try (Connection s = m.source()) {
            assertEquals("1", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", names.slot()));
        }

        WarpRun finish = finishWhenCaughtUp(env, m, "--delete-connectors");
        assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
        assertTrue(finish.out().contains("deleted Debezium's source offsets"), finish.out());
        assertTrue(finish.out().contains("deleted the progress rows of stream " + names.stream()), finish.out());
        assertTrue(finish.out().contains("deleted connector " + other), finish.out());
        assertFalse(env.connect().exists(other));
        try (Connection t = m.target()) {
            assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.sink_progress WHERE stream = ?", names.stream()));
            assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.snapshot_progress WHERE stream = ?", names.stream()));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()))) {
            List<String> groups = admin.listConsumerGroups().all().get(60, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).toList();
            assertFalse(groups.contains(names.consumerGroup()), "consumer group deleted: " + groups);
        }

        // A new run under the same name, into an emptied target, after the source changed: a new snapshot.
        m.sourceSql("DELETE FROM t WHERE id % 10 = 0", "UPDATE t SET v = 'changed' WHERE id % 7 = 0",
                "INSERT INTO t SELECT g, 'new' FROM generate_series(201, 250) g");
        m.targetSql("TRUNCATE t");
        startAndCatchUp(env, m);
        TableDigest.assertEqual(m, "t", "id");
        WarpRun again = finishWhenCaughtUp(env, m);
        assertEquals(Warp.OK, again.code(), again.out() + again.err());
    }

    /** finish refuses while a record (e.g. a heartbeat) is not yet committed by the sink; that is not under test here. */
    private static WarpRun finishWhenCaughtUp(TestEnvironment env, Migration m, String... more) {
        List<String> extra = new ArrayList<>(List.of("--tables", "public.t", "--delete-topics"));
        extra.addAll(List.of(more));
        return WarpRun.finishWhenCaughtUp(WAIT, args(env, m, "finish", extra.toArray(String[]::new)));
    }

    private static void startAndCatchUp(TestEnvironment env, Migration m) {
        WarpRun start = warp(args(env, m, "start", "--tables", "public.t"));
        assertEquals(Warp.OK, start.code(), start.out() + start.err());
        TableDigest.awaitEqual(m, WAIT, "t", "id");
        Eventually.await(WAIT, "status CAUGHT UP", () -> warp(args(env, m, "status", "--tables", "public.t")).code() == Warp.OK);
    }

    private static Map<String, String> toMap(com.fasterxml.jackson.databind.JsonNode config) {
        Map<String, String> map = new HashMap<>();
        config.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

}
