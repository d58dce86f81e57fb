package io.citus.warp.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peer: Debezium's own JDBC sink (io.debezium.connector.jdbc.JdbcSinkConnector) as a user would deploy
 * it behind the same Debezium source, tuned for speed as its documentation suggests. The full config goes
 * into the report.
 */
public final class PeerConfig {
    public static final String CONNECTOR_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";

    private PeerConfig() {
    }

    public static Map<String, String> render(BenchEnvironment env, String topic, String targetDatabase, BenchOptions options) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", CONNECTOR_CLASS);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("connection.url", env.target().jdbcUrl(targetDatabase));
        c.put("connection.username", env.target().user());
        c.put("connection.password", "${file:" + env.secretsFile() + ":target.password}");
        // Idempotent writes: a redelivered event (at-least-once) must not fail on a duplicate key.
        c.put("insert.mode", "upsert");
        c.put("primary.key.mode", "record_key");
        c.put("delete.enabled", "true");
        // Tables are created up front with the source's DDL, as for Warp; no per-record schema checks to alter them.
        c.put("schema.evolution", "none");
        // All of the source's tables arrive in one topic (RegexRouter); the table comes from the event's source block.
        c.put("collection.name.format", "${source.table}");
        c.put("batch.size", Integer.toString(options.peerBatchSize));
        // Keeps only the last change per key within a batch: fewer statements, same final state.
        c.put("use.reduction.buffer", "true");
        c.put("dialect.postgres.unnest.insert.enabled", Boolean.toString(options.peerUnnest));
        c.put("database.time_zone", "UTC");
        // The standard converter reads the records byte for byte as written (ExactJsonConverter writes JsonConverter JSON).
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("key.converter.schemas.enable", "true");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "true");
        c.put("value.converter.replace.null.with.default", "false");
        c.put("errors.tolerance", "none");
        // Same consumer sizing as Warp's shipped sink config, so both read Kafka in equally large polls.
        c.put("consumer.override.max.poll.records", "20000");
        c.put("consumer.override.max.partition.fetch.bytes", "33554432");
        c.put("consumer.override.fetch.max.bytes", "67108864");
        return c;
    }
}
