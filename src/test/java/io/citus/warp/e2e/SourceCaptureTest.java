package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.testing.ChangeTopic;
import io.citus.warp.testing.ChangeTopic.Message;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Debezium source config, deployed through Connect REST, snapshots and then streams a
 * real PostgreSQL database into one ordered Kafka topic with transaction metadata.
 */
@EndToEnd
class SourceCaptureTest {
    private static final Logger LOG = LoggerFactory.getLogger(SourceCaptureTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void snapshotThenLiveChangesArriveInOneOrderedTopicWithTransactionMetadata(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "capture")) {
            m.sourceSql(
                    "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text)",
                    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2), note text)",
                    "INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', NULL), (3, 'Edsger', 'ew@example.com')",
                    "INSERT INTO orders SELECT g, 1 + g % 3, g * 10.25, 'order ' || g FROM generate_series(1, 5) g");

            m.deploySource("public.customers,public.orders");
            JsonNode status = m.connect().status(m.sourceConnector());
            assertEquals("RUNNING", status.path("connector").path("state").asText(), status.toString());
            assertEquals("RUNNING", status.path("tasks").get(0).path("state").asText(), status.toString());

            try (ChangeTopic topic = new ChangeTopic(env.bootstrapServers(), m.changesTopic())) {
                // Snapshot: one read event per row, no transaction block.
                List<Message> snapshot = topic.readUntil(WAIT, "8 snapshot rows",
                        all -> changes(all).stream().filter(e -> "r".equals(op(e))).count() == 8);
                Map<String, JsonNode> rows = changes(snapshot).stream().filter(e -> "r".equals(op(e)))
                        .collect(Collectors.toMap(e -> table(e) + ":" + e.payload().path("after").path("id").asText(),
                                Message::payload, (a, b) -> a, TreeMap::new));
                assertEquals(8, rows.size(), rows.keySet().toString());
                JsonNode grace = rows.get("customers:2").path("after");
                assertEquals("Grace", grace.path("name").asText());
                assertTrue(grace.path("email").isNull(), grace.toString());
                assertEquals("41.00", rows.get("orders:4").path("after").path("amount").asText(),
                        "numeric as an exact string (decimal.handling.mode=string)");
                rows.values().forEach(e -> assertTrue(e.path("transaction").isNull() || e.path("transaction").isMissingNode(),
                        "snapshot events carry no transaction: " + e));

                // Live: one multi-table transaction, then a TRUNCATE in its own transaction.
                m.sourceSql("BEGIN",
                        "INSERT INTO customers VALUES (4, 'Barbara', 'bl@example.com')",
                        "INSERT INTO orders VALUES (6, 4, 99.99, 'first')",
                        "UPDATE orders SET amount = 12.50, note = 'changed' WHERE id = 1",
                        "DELETE FROM orders WHERE id = 2",
                        "COMMIT",
                        "TRUNCATE orders");
                List<Message> all = topic.readUntil(WAIT, "two live transactions with BEGIN/END markers",
                        msgs -> msgs.stream().filter(x -> x.isTransactionMarker()
                                && "END".equals(x.payload().path("status").asText())).count() >= 2);
                all.forEach(x -> LOG.info("offset {} key {} value {}", x.offset(), x.key(), x.payload()));

                List<Message> live = all.stream().filter(x -> x.isTransactionMarker() || (x.isChangeEvent() && !"r".equals(op(x))))
                        .toList();
                assertEquals(List.of("BEGIN", "c:customers", "c:orders", "u:orders", "d:orders", "END",
                                "BEGIN", "t:orders", "END"),
                        live.stream().map(SourceCaptureTest::describe).toList());

                // Transaction metadata ties the first transaction's events together.
                Message begin = live.get(0);
                Message end = live.get(5);
                String txid = txid(begin.payload().path("id").asText());
                assertEquals(txid, txid(end.payload().path("id").asText()));
                assertEquals(4, end.payload().path("event_count").asInt());
                for (int i = 1; i <= 4; i++) {
                    JsonNode tx = live.get(i).payload().path("transaction");
                    assertEquals(txid, txid(tx.path("id").asText()), "data event " + i + " belongs to the transaction");
                    assertEquals(i, tx.path("total_order").asInt());
                    assertEquals(txid, live.get(i).payload().path("source").path("txId").asText());
                }
                assertEquals(2, live.get(3).payload().path("transaction").path("data_collection_order").asInt(),
                        "second event of orders in the transaction");

                JsonNode update = live.get(3).payload();
                assertEquals("12.50", update.path("after").path("amount").asText());
                assertEquals("changed", update.path("after").path("note").asText());
                JsonNode delete = live.get(4).payload();
                assertEquals(2, delete.path("before").path("id").asInt());
                assertTrue(delete.path("after").isNull());
                JsonNode truncate = live.get(7).payload();
                assertEquals("orders", truncate.path("source").path("table").asText());
                assertFalse(txid.equals(txid(live.get(6).payload().path("id").asText())), "TRUNCATE is a transaction of its own");
                assertNull(live.get(7).key(), "TRUNCATE has no key");
            }
        }
    }

    private static List<Message> changes(List<Message> messages) {
        return messages.stream().filter(Message::isChangeEvent).toList();
    }

    private static String op(Message m) {
        return m.payload().path("op").asText();
    }

    private static String table(Message m) {
        return m.payload().path("source").path("table").asText();
    }

    private static String describe(Message m) {
        return m.isTransactionMarker() ? m.payload().path("status").asText() : op(m) + ":" + table(m);
    }

    private static String txid(String transactionId) {
        return transactionId.substring(0, transactionId.indexOf(':'));
    }
}
