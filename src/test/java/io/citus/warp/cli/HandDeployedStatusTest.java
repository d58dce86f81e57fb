package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.citus.warp.cli.WarpRun.args;
import static io.citus.warp.cli.WarpRun.warp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration deployed by hand, as deploy/README.md tells a user: the JSON files of connectors/config with their
 * placeholders filled in (the three as shipped, the base copy running in Connect; or the pair with Debezium's snapshot), PUT to Connect REST under the names warp derives from {@code --name} (no progress.stream,
 * no kafka.bootstrap.servers: only what the files hold). {@code warp status}, run through the CLI entry point, must
 * report it: connectors, the snapshot per source table (rows, completion, the source's estimate), the sink's progress
 * (recorded under the sink's default stream, its connector name), lag 0 and CAUGHT UP; with {@code table.mapping} the
 * target table the sink records must be reported as the source table it comes from. {@code warp finish} must then
 * remove the progress rows under that stream.
 */
@EndToEnd
class HandDeployedStatusTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 300;

    @Test
    void statusReportsAMigrationDeployedByHandFromTheShippedConfigs(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "handstatus")) {
            String table = "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)";
            m.sourceSql(table, "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, " + ROWS + ") g", "ANALYZE orders");
            m.targetSql(table);
            MigrationNames names = deployByHand(env, m, Map.of(), true);
            try {
                JsonNode s = awaitCaughtUp(env, m, "public.orders");
                // The rows came through the base-copy connector: status reads its record, and shows the connector.
                JsonNode snapshot = onlyTable(s, "public.orders");
                assertEquals(ROWS, snapshot.path("rowsApplied").asLong(), s.toString());
                assertTrue(snapshot.path("completed").asBoolean(), s.toString());
                assertEquals(ROWS, snapshot.path("estimatedRows").asLong(), "the copy's estimate of the source table: " + s);
                assertTrue(s.path("connectors").toString().contains(names.copyConnector()), s.toString());
                assertTrue(s.path("notes").toString().contains("stream " + names.sinkConnector()), s.path("notes").toString());

                // Streaming: the progress row advances and status follows it.
                m.sourceSql("INSERT INTO orders VALUES (" + (ROWS + 1) + ", 'streamed')", "UPDATE orders SET item = 'changed' WHERE id <= 10");
                TableDigest.awaitEqual(m, WAIT, "orders", "id");
                JsonNode streamed = awaitCaughtUp(env, m, "public.orders", st -> st.path("sink").path("transactions").asLong() >= 2);
                assertEquals(0, streamed.path("lag").asLong(-1), streamed.toString());
                assertTrue(streamed.path("sink").path("changes").asLong() >= 11, streamed.toString());
                for (JsonNode c : streamed.path("connectors")) {
                    assertEquals("RUNNING", c.path("state").asText(), streamed.toString());
                }
                WarpRun text = warp(args(env, m, "status", "--tables", "public.orders"));
                assertTrue(text.out().startsWith("verdict      CAUGHT UP"), text.out());
                assertTrue(text.out().contains("public.orders"), text.out());

                finishAndCheckProgressRemoved(env, m, names);
                assertFalse(env.connect().exists(names.copyConnector()), "finish removed the base-copy connector");
                try (Connection t = m.target()) {
                    assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.base_copy WHERE slot_name = ?", names.slot()),
                            "finish removed the base copy's record");
                }
            } finally {
                cleanUp(env, m, names);
            }
        }
    }

    @Test
    void statusNamesTheSourceTableOfATableMapping(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "handmapped")) {
            m.sourceSql("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)",
                    "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, " + ROWS + ") g", "ANALYZE orders");
            m.targetSql("CREATE SCHEMA sales", "CREATE TABLE sales.orders_v2 (id int PRIMARY KEY, item text NOT NULL)");
            MigrationNames names = deployByHand(env, m, Map.of("table.mapping", "public.orders=sales.orders_v2"), false);
            try {
                JsonNode s = awaitCaughtUp(env, m, "public.orders");
                try (Connection t = m.target()) {
                    assertEquals("sales.orders_v2", Sql.one(t, "SELECT table_name FROM warp.snapshot_progress WHERE stream = ?",
                            names.sinkConnector()), "the sink records the target table");
                    assertEquals(Integer.toString(ROWS), Sql.one(t, "SELECT count(*) FROM sales.orders_v2"));
                }
                JsonNode snapshot = onlyTable(s, "public.orders");
                assertEquals(ROWS, snapshot.path("rowsApplied").asLong(), s.toString());
                assertEquals(ROWS, snapshot.path("estimatedRows").asLong(),
                        "the estimate is the source table's, found under its source name: " + s);
                finishAndCheckProgressRemoved(env, m, names);
            } finally {
                cleanUp(env, m, names);
            }
        }
    }

    /** The shipped JSON files, placeholders filled in as deploy/README.md says, PUT under warp's names for --name. */
    private static MigrationNames deployByHand(TestEnvironment env, Migration m, Map<String, String> sinkEdits, boolean baseCopy) {
        MigrationNames names = new MigrationNames(m.id().replace('_', '-'));
        Map<String, String> values = new HashMap<>(m.templateValues("public.orders"));
        values.put("topic.prefix", names.topicPrefix());
        values.put("slot.name", names.slot());
        values.put("publication.name", names.publication());
        Map<String, String> sink = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, values));
        assertFalse(sink.containsKey("progress.stream"), "the shipped sink config leaves the stream to the sink's default");
        sink.putAll(sinkEdits);
        Map<String, String> source = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, values));
        if (baseCopy) {
            // The three files as shipped: the base copy inside Connect loads the rows.
            Map<String, String> copy = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.BASE_COPY, values));
            copy.putAll(sinkEdits);
            env.connect().putConnectorConfig(names.copyConnector(), copy);
        } else {
            // Debezium's snapshot loads them instead: the two settings connectors/README.md names.
            source.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SOURCE);
            sink.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        }
        env.connect().putConnectorConfig(names.sourceConnector(), source);
        env.connect().putConnectorConfig(names.sinkConnector(), sink);
        return names;
    }

    private static JsonNode awaitCaughtUp(TestEnvironment env, Migration m, String tables) {
        return awaitCaughtUp(env, m, tables, s -> true);
    }

    private static JsonNode awaitCaughtUp(TestEnvironment env, Migration m, String tables,
                                          java.util.function.Predicate<JsonNode> also) {
        WarpRun[] last = new WarpRun[1];
        return Eventually.await(WAIT, "warp status CAUGHT UP", () -> {
            last[0] = warp(args(env, m, "status", "--tables", tables, "--json"));
            JsonNode s = JSON.readTree(last[0].out());
            for (JsonNode c : s.path("connectors")) {
                for (JsonNode task : c.path("tasks")) {
                    assertFalse("FAILED".equals(task.path("state").asText()), c.toString());
                }
            }
            return s;
        }, s -> "CAUGHT_UP".equals(s.path("verdict").asText()) && also.test(s));
    }

    private static JsonNode onlyTable(JsonNode status, String table) {
        assertEquals(1, status.path("snapshot").size(), status.toString());
        JsonNode t = status.path("snapshot").get(0);
        assertEquals(table, t.path("table").asText(), status.toString());
        return t;
    }

    private static void finishAndCheckProgressRemoved(TestEnvironment env, Migration m, MigrationNames names) throws Exception {
        WarpRun finish = warp(args(env, m, "finish", "--tables", "public.orders"));
        assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
        assertTrue(finish.out().contains("deleted the progress rows of stream " + names.sinkConnector()), finish.out());
        try (Connection t = m.target()) {
            assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.sink_progress WHERE stream = ?", names.sinkConnector()));
            assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.snapshot_progress WHERE stream = ?", names.sinkConnector()));
        }
        try (Connection s = m.source()) {
            assertEquals("0", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", names.slot()));
        }
    }

    /** After a failure: the connectors and the slot go, so that other tests on the shared servers are not disturbed. */
    private static void cleanUp(TestEnvironment env, Migration m, MigrationNames names) {
        if (env.connect().exists(names.sourceConnector()) || env.connect().exists(names.sinkConnector())
                || env.connect().exists(names.copyConnector())) {
            warp(args(env, m, "finish", "--tables", "public.orders", "--force"));
        }
    }
}
