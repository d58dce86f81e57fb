package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink never guesses its position: a recreated topic stops it with a message naming the two ways
 * out, and the explicit way out (Connect's offsets API, acting on the target's progress) resumes it
 * without applying anything twice; a first snapshot into a target table holding foreign rows is refused,
 * or emptied when configured; a new snapshot empties a table that is now empty on the source.
 */
@EndToEnd
class PositionSafetyTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String SCHEMA = "CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL)";

    @Test
    void aRecreatedTopicStopsTheSinkAndAnExplicitResetResumesIt(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "recreated")) {
            m.sourceSql(SCHEMA, "INSERT INTO items SELECT g, g FROM generate_series(1, 50) g");
            m.targetSql(SCHEMA);
            m.deploySource("public.items");
            m.deploySink("public.items");
            m.sourceSql("UPDATE items SET v = v + 1 WHERE id <= 10");
            TableDigest.awaitEqual(m, WAIT, "items", "id");
            String firstTopicId = storedTopicId(m);
            assertTrue(firstTopicId != null, "the topic ID is recorded with the progress");

            // The topic is deleted and created again under the same name while both connectors are stopped.
            stop(m, m.sourceConnector());
            stop(m, m.sinkConnector());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()))) {
                admin.deleteTopics(List.of(m.changesTopic())).all().get(60, TimeUnit.SECONDS);
                Eventually.await(WAIT, "topic deleted", () -> !admin.listTopics().names().get().contains(m.changesTopic()));
                admin.createTopics(List.of(new NewTopic(m.changesTopic(), 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            m.connect().resume(m.sinkConnector());
            String trace = m.awaitTaskFailure(m.sinkConnector());
            assertTrue(trace.contains("deleted and created again"), trace);
            assertTrue(trace.contains("warp finish") && trace.contains("PATCH /connectors/" + m.sinkConnector() + "/offsets"), trace);

            // The explicit way out: the next record to apply is offset 0 of the new topic.
            stop(m, m.sinkConnector());
            JsonNode patch = new ObjectMapper().readTree("{\"offsets\":[{\"partition\":{\"kafka_topic\":\"" + m.changesTopic()
                    + "\",\"kafka_partition\":0},\"offset\":{\"kafka_offset\":0}}]}");
            m.connect().alterOffsets(m.sinkConnector(), patch);
            assertEquals(-1, storedOffset(m), "the offsets request moved the target's progress row");
            m.connect().resume(m.sinkConnector());
            m.connect().resume(m.sourceConnector());
            m.awaitRunning(m.sinkConnector());
            m.awaitRunning(m.sourceConnector());
            m.sourceSql("UPDATE items SET v = v + 100 WHERE id > 40", "INSERT INTO items VALUES (51, 51)");
            TableDigest.awaitEqual(m, WAIT, "items", "id");
            TableDigest.assertEqual(m, "items", "id");
            String newTopicId = storedTopicId(m);
            assertTrue(newTopicId != null && !newTopicId.equals(firstTopicId), "the new topic's ID is recorded: " + newTopicId);
        }
    }

    @Test
    void aFirstSnapshotIntoANonEmptyTableIsRefusedOrEmptiedAsConfigured(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "nonempty")) {
            m.sourceSql(SCHEMA, "INSERT INTO items SELECT g, g FROM generate_series(1, 20) g");
            m.targetSql(SCHEMA, "INSERT INTO items VALUES (5, -5), (999, -999)");
            m.deploySource("public.items");
            m.connect().putConnectorConfig(m.sinkConnector(), sinkConfig(env, m, Map.of()));
            String trace = m.awaitTaskFailure(m.sinkConnector());
            assertTrue(trace.contains("already holds rows") && trace.contains("snapshot.nonempty.target=truncate"), trace);
            assertEquals(2, count(m, "SELECT count(*) FROM items"), "nothing was merged into the target table");

            m.connect().putConnectorConfig(m.sinkConnector(), sinkConfig(env, m, Map.of("snapshot.nonempty.target", "truncate")));
            m.restartTask(m.sinkConnector());
            TableDigest.awaitEqual(m, WAIT, "items", "id");
            TableDigest.assertEqual(m, "items", "id");
        }
    }

    @Test
    void aNewSnapshotEmptiesATableThatIsNowEmptyOnTheSource(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "emptied")) {
            m.sourceSql(SCHEMA, "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                    "INSERT INTO items SELECT g, g FROM generate_series(1, 30) g",
                    "INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 5) g");
            m.targetSql(SCHEMA, "CREATE TABLE notes (id int PRIMARY KEY, body text)");
            String tables = "public.items,public.notes";
            m.deploySource(tables);
            m.deploySink(tables);
            TableDigest.awaitEqual(m, WAIT, "items", "id", "notes", "id");

            // Debezium starts over with a new slot and no offsets: a new snapshot, at a new LSN. The rows deleted
            // from notes in between are in no slot, so only the new snapshot can tell the sink they are gone.
            stop(m, m.sourceConnector());
            m.connect().resetOffsets(m.sourceConnector());
            dropSlot(m);
            m.sourceSql("DELETE FROM notes", "UPDATE items SET v = -v WHERE id % 3 = 0");
            m.connect().resume(m.sourceConnector());
            m.awaitRunning(m.sourceConnector());
            TableDigest.awaitEqual(m, WAIT, "items", "id", "notes", "id");
            assertEquals(0, count(m, "SELECT count(*) FROM notes"), "notes emptied by the new snapshot");
            m.sourceSql("INSERT INTO notes VALUES (7, 'after')");
            TableDigest.awaitEqual(m, WAIT, "items", "id", "notes", "id");
            TableDigest.assertEqual(m, "notes", "id");
            m.awaitRunning(m.sinkConnector());
        }
    }

    private static Map<String, String> sinkConfig(TestEnvironment env, Migration m, Map<String, String> overrides) {
        Map<String, String> config = new java.util.HashMap<>(io.citus.warp.connect.ConnectorTemplates.render(
                io.citus.warp.connect.ConnectorTemplates.SINK_CITUS, m.templateValues("public.items")));
        config.put("kafka.bootstrap.servers", env.bootstrapServers());
        config.putAll(io.citus.warp.connect.ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        config.putAll(overrides);
        return config;
    }

    private static void stop(Migration m, String connector) {
        m.connect().stop(connector);
        Eventually.await(WAIT, connector + " STOPPED", () -> "STOPPED".equals(
                m.connect().status(connector).path("connector").path("state").asText()));
    }

    private static void dropSlot(Migration m) {
        Eventually.await(WAIT, "slot " + m.slotName() + " dropped", () -> {
            try (Connection c = m.source(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + m.slotName() + "'");
                return true;
            } catch (SQLException e) {
                return false; // still active: the stopped task's walsender has not gone yet
            }
        });
    }

    private static String storedTopicId(Migration m) throws SQLException {
        try (Connection c = m.target(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kafka_topic_id FROM warp.sink_progress")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long storedOffset(Migration m) throws SQLException {
        return count(m, "SELECT kafka_offset FROM warp.sink_progress");
    }

    private static long count(Migration m, String sql) throws SQLException {
        try (Connection c = m.target(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
