package io.citus.warp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.common.ConnectorPlaceholders;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectorTemplates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One migration under test: its own source and target databases, connector names, replication slot,
 * publication and topics, so tests sharing the servers never see each other's data.
 */
public final class Migration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);
    public static final Duration STARTUP = Duration.ofSeconds(90);

    private final TestEnvironment env;
    private final String id;
    private final String sourceDatabase;
    private final String targetDatabase;
    /** Set when the target is a Citus cluster rather than a fresh database on the shared target server. */
    private final CitusCluster citus;
    /** Which pair of shipped configs the connectors run with. */
    private ConnectorTemplates.WireFormat wireFormat = ConnectorTemplates.WireFormat.JSON;

    public Migration(TestEnvironment env, String label) {
        this(env, label, null);
    }

    /**
     * A migration into a Citus cluster's database: the target is shared with other tests, so a Citus test
     * keeps its tables in its own schema (e.g. named {@link #id()}).
     */
    public Migration(TestEnvironment env, String label, CitusCluster citus) {
        this.env = env;
        this.citus = citus;
        this.id = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        try {
            this.sourceDatabase = env.source().createDatabase("src_" + id);
            this.targetDatabase = citus != null ? citus.database() : env.target().createDatabase("dst_" + id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String id() {
        return id;
    }

    /** Deploys the shipped config pair of {@code format} from now on (the Avro pair through the environment's registry). */
    public Migration wireFormat(ConnectorTemplates.WireFormat format) {
        this.wireFormat = format;
        return this;
    }

    public ConnectorTemplates.WireFormat wireFormat() {
        return wireFormat;
    }

    public String sourceConnector() {
        return "source-" + id;
    }

    public String sinkConnector() {
        return "sink-" + id;
    }

    public String topicPrefix() {
        return id;
    }

    public String changesTopic() {
        return id + ".changes";
    }

    public String slotName() {
        return "slot_" + id;
    }

    public String publicationName() {
        return "pub_" + id;
    }

    public String sourceDatabase() {
        return sourceDatabase;
    }

    public String targetDatabase() {
        return targetDatabase;
    }

    public Connection source() throws SQLException {
        return env.source().connect(sourceDatabase);
    }

    /** A source connection for suppliers (a workload's connection factory); failures become unchecked. */
    public Connection openSource() {
        try {
            return source();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the source database " + sourceDatabase, e);
        }
    }

    public Connection target() throws SQLException {
        return citus != null ? citus.connect() : env.target().connect(targetDatabase);
    }

    public void sourceSql(String... statements) throws SQLException {
        run(source(), statements);
    }

    public void targetSql(String... statements) throws SQLException {
        run(target(), statements);
    }

    private static void run(Connection connection, String... statements) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Values for the placeholders of the shipped connector configs: endpoints and names only. */
    public Map<String, String> templateValues(String tables) {
        ConnectorPlaceholders.Database target = citus != null
                ? new ConnectorPlaceholders.Database(citus.host(), citus.port(), citus.user(), targetDatabase)
                : new ConnectorPlaceholders.Database(env.target().host(), env.target().port(), env.target().user(), targetDatabase);
        Map<String, String> values = new HashMap<>(new ConnectorPlaceholders(
                new ConnectorPlaceholders.Database(env.source().host(), env.source().port(), env.source().user(), sourceDatabase),
                target, env.secretsFile().toString(), topicPrefix(), slotName(), publicationName(), tables).values());
        if (wireFormat.needsRegistry()) {
            values.put("schema.registry.url", env.schemaRegistry().apiUrl());
        }
        return values;
    }

    /**
     * Deploys the shipped Debezium source config (of this migration's wire format) through Connect REST, with Debezium's
     * snapshot loading the rows ({@link ConnectorTemplates#DEBEZIUM_SNAPSHOT_SOURCE}) unless {@code overrides} say otherwise.
     */
    public void deploySource(String tables) {
        deploySource(tables, Map.of());
    }

    public void deploySource(String tables, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(
                ConnectorTemplates.render(wireFormat.sourceTemplate(), templateValues(tables)));
        // The tests' default load is Debezium's snapshot; the base copy's tests deploy the shipped files as they are.
        config.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SOURCE);
        config.putAll(overrides);
        connect().putConnectorConfig(sourceConnector(), config);
        awaitRunning(sourceConnector());
    }

    /** Deploys the shipped Citus sink config (of this migration's wire format) through Connect REST, waiting for no base copy. */
    public void deploySink(String tables) {
        deploySink(tables, Map.of());
    }

    public void deploySink(String tables, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(
                ConnectorTemplates.render(wireFormat.sinkTemplate(), templateValues(tables)));
        // As warp start does: the sink checks its stored position against the topic through the same cluster.
        config.put("kafka.bootstrap.servers", env.bootstrapServers());
        config.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        config.putAll(overrides);
        connect().putConnectorConfig(sinkConnector(), config);
        awaitRunning(sinkConnector());
    }

    public ConnectClient connect() {
        return env.connect();
    }

    public String bootstrapServers() {
        return env.bootstrapServers();
    }

    /** Waits until the connector and all its tasks report RUNNING; fails fast with the trace of a FAILED task. */
    public JsonNode awaitRunning(String connector) {
        return Eventually.await(STARTUP, connector + " RUNNING with its tasks", () -> connect().status(connector), status -> {
            failIfFailed(connector, status);
            JsonNode tasks = status.path("tasks");
            if (!"RUNNING".equals(status.path("connector").path("state").asText()) || tasks.isEmpty()) {
                return false;
            }
            for (JsonNode task : tasks) {
                if (!"RUNNING".equals(task.path("state").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Fails at once, with the trace, when this migration's source or sink connector (or a task) has FAILED:
     * waiting for data that a failed task will never deliver only hides the cause behind a timeout.
     */
    public void assertNoConnectorFailed() {
        for (String connector : new String[] {sourceConnector(), sinkConnector()}) {
            JsonNode status;
            try {
                status = connect().status(connector);
            } catch (RuntimeException notDeployed) {
                continue;
            }
            failIfFailed(connector, status);
        }
    }

    static void failIfFailed(String connector, JsonNode status) {
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            throw new AssertionError(connector + " FAILED: " + status.path("connector").path("trace").asText());
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new AssertionError(connector + " task " + task.path("id") + " FAILED: " + task.path("trace").asText());
            }
        }
    }

    /** Restarts task 0 of a connector and waits until it runs again (its old FAILED state is not mistaken for a new one). */
    public JsonNode restartTask(String connector) {
        connect().restartTask(connector, 0);
        return Eventually.await(STARTUP, connector + " task 0 RUNNING after restart", () -> connect().status(connector),
                s -> s.path("tasks").size() > 0 && "RUNNING".equals(s.path("tasks").get(0).path("state").asText()));
    }

    /** Waits for a task to be FAILED and returns its trace. */
    public String awaitTaskFailure(String connector) {
        JsonNode status = Eventually.await(STARTUP, connector + " task FAILED", () -> connect().status(connector),
                s -> s.path("tasks").size() > 0 && "FAILED".equals(s.path("tasks").get(0).path("state").asText()));
        return status.path("tasks").get(0).path("trace").asText();
    }

    @Override
    public void close() {
        for (String connector : new String[] {sinkConnector(), sourceConnector()}) {
            try {
                connect().delete(connector);
            } catch (RuntimeException e) {
                LOG.warn("could not delete connector {}", connector, e);
            }
        }
        try {
            Eventually.await(Duration.ofSeconds(60), "replication slot " + slotName() + " dropped", () -> {
                try (Connection c = env.source().connect(sourceDatabase); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                            + slotName() + "'");
                    return true;
                }
            });
        } catch (AssertionError e) {
            LOG.warn("could not drop replication slot {}", slotName(), e);
        }
    }
}
