package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped source and sink configs, deployed through Connect REST, copy a PostgreSQL database
 * to a PostgreSQL target: the snapshot, then multi-table transactions, updates, deletes and
 * TRUNCATE, and the sink records its position on the target.
 */
@EndToEnd
class SinkApplyTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    static final String SCHEMA = """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2), note text);
            """;

    @Test
    void snapshotThenStreamingMakesTheTargetEqualToTheSource(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "apply")) {
            m.sourceSql(SCHEMA,
                    "INSERT INTO customers SELECT g, 'customer ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE g || '@example.com' END"
                            + " FROM generate_series(1, 500) g",
                    "INSERT INTO orders SELECT g, 1 + g % 500, g * 10.25, 'order ' || g FROM generate_series(1, 2000) g");
            m.targetSql(SCHEMA);

            m.deploySource("public.customers,public.orders");
            m.deploySink("public.customers,public.orders");
            TableDigest.awaitEqual(m, WAIT, "customers", "id", "orders", "id");

            m.sourceSql("BEGIN",
                    "INSERT INTO customers VALUES (501, 'Barbara', 'bl@example.com')",
                    "INSERT INTO orders VALUES (2001, 501, 99.99, 'first')",
                    "UPDATE orders SET amount = 12.50, note = 'changed' WHERE id = 1",
                    "UPDATE customers SET email = NULL WHERE id = 1",
                    "DELETE FROM orders WHERE id BETWEEN 2 AND 50",
                    "COMMIT",
                    "UPDATE orders SET note = note || '!' WHERE id % 7 = 0",
                    "DELETE FROM customers WHERE id = 500",
                    "TRUNCATE orders",
                    "INSERT INTO orders SELECT g, 1 + g % 500, g, NULL FROM generate_series(1, 300) g",
                    "UPDATE orders SET amount = amount + 1 WHERE id <= 10");
            TableDigest.awaitEqual(m, WAIT, "customers", "id", "orders", "id");
            TableDigest.assertEqual(m, "customers", "id");
            TableDigest.assertEqual(m, "orders", "id");

            try (Connection target = m.target(); Statement s = target.createStatement();
                 ResultSet rs = s.executeQuery("SELECT stream, kafka_topic, commit_lsn::text, transactions, snapshot_rows "
                         + "FROM warp.sink_progress")) {
                assertTrue(rs.next(), "the sink records its progress on the target");
                assertEquals(m.changesTopic(), rs.getString("kafka_topic"));
                assertTrue(rs.getString("commit_lsn") != null, "a committed source position is recorded");
                assertEquals(6, rs.getLong("transactions"), "each of the 6 streamed source transactions counted once");
                assertEquals(2500, rs.getLong("snapshot_rows"));
            }

            // The same figures through Connect's plugin metrics (remote JMX of the worker's JVM), where monitoring reads them.
            MBeanServerConnection jmx = env.workerJmx();
            Set<ObjectName> names = jmx.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + m.sinkConnector() + ",*"), null);
            assertEquals(1, names.size(), "one metrics bean for the sink task: " + names);
            ObjectName task = names.iterator().next();
            assertEquals(6.0, ((Number) jmx.getAttribute(task, "transactions-applied-total")).doubleValue());
            assertEquals(2500.0, ((Number) jmx.getAttribute(task, "snapshot-rows-applied-total")).doubleValue());
            assertTrue(((Number) jmx.getAttribute(task, "last-applied-commit-lsn")).longValue() > 0);
        }
    }

    @Test
    void validateRejectsConfigurationsThatCannotApplyInOrder(TestEnvironment env) {
        try (Migration m = new Migration(env, "validate")) {
            Map<String, String> config = new HashMap<>(io.citus.warp.connect.ConnectorTemplates.render(
                    io.citus.warp.connect.ConnectorTemplates.SINK_CITUS, m.templateValues("public.t")));
            config.put("tasks.max", "2");
            config.put("errors.tolerance", "all");
            JsonNode result = m.connect().validate(config.get("connector.class"), config);
            Map<String, String> errors = new HashMap<>();
            for (JsonNode c : result.path("configs")) {
                if (c.path("value").path("errors").size() > 0) {
                    errors.put(c.path("value").path("name").asText(), c.path("value").path("errors").toString());
                }
            }
            assertTrue(errors.containsKey("tasks.max"), "tasks.max=2 rejected: " + errors);
            assertTrue(errors.get("tasks.max").contains("1"), errors.get("tasks.max"));
            assertTrue(errors.containsKey("errors.tolerance"), "errors.tolerance=all rejected: " + errors);
        }
    }
}
