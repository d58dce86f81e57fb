package io.citus.warp.sink;

import io.citus.warp.sink.apply.TargetSession;
import io.citus.warp.sink.progress.OffsetReset;
import io.citus.warp.sink.progress.ProgressStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect sink that applies a Debezium PostgreSQL change stream to Citus (or PostgreSQL) one
 * source transaction at a time, in commit order, exactly once. One ordered stream means one task.
 */
public final class CitusSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        new CitusSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CitusSinkTask.class;
    }

    /** Always one task: transaction order is the order of one partition, read by one consumer. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(new HashMap<>(props));
    }

    @Override
    public void stop() {
    }

    /**
     * The sink's position is the target's progress row, so Connect's offsets REST API acts on it: an offset
     * moves the row there, a reset leaves it in charge ({@link OffsetReset}).
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        CitusSinkConfig config = new CitusSinkConfig(connectorConfig);
        ProgressStore progress = new ProgressStore(config.progressSchema(),
                config.stream(connectorConfig.getOrDefault(CitusSinkConfig.CONNECTOR_NAME, "citus-sink")));
        OffsetReset.apply(offsets, progress, () -> {
            try {
                Connection c = DriverManager.getConnection(config.url(),
                        TargetSession.connectionProperties(config.user(), config.password()));
                c.setAutoCommit(false);
                return c;
            } catch (SQLException e) {
                throw new ConnectException("Cannot connect to the target to move the sink's progress: " + e.getMessage(), e);
            }
        });
        return true;
    }

    @Override
    public ConfigDef config() {
        return CitusSinkConfig.CONFIG_DEF;
    }

    /**
     * Field checks, then settings that would break transaction order or lose changes, then a live
     * connection to the target; each problem is attached to the setting to change, which is what
     * {@code PUT /connector-plugins/{class}/config/validate} shows.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        config.configValues().forEach(v -> values.put(v.name(), v));
        List<ConfigValue> extra = new ArrayList<>();

        String tasksMax = connectorConfigs.get("tasks.max");
        if (tasksMax != null && !tasksMax.trim().equals("1")) {
            extra.add(error("tasks.max", tasksMax, "The sink applies source transactions in commit order from one ordered "
                    + "stream, so it runs exactly one task: set tasks.max=1."));
        }
        String regex = connectorConfigs.get("topics.regex");
        if (regex != null && !regex.isBlank()) {
            extra.add(error("topics.regex", regex, "Transactions spanning several topics cannot be applied in commit order. "
                    + "Route every captured table and Debezium's transaction topic into one single-partition topic (see "
                    + "connectors/config/source-postgres.json) and name it in 'topics'."));
        }
        String topics = connectorConfigs.get("topics");
        if (topics != null && topics.split(",").length > 1) {
            extra.add(error("topics", topics, "Name exactly one topic: the single ordered change stream that Debezium's "
                    + "routing transform produces. Per-table topics lose the order of transactions across tables."));
        }
        String tolerance = connectorConfigs.get("errors.tolerance");
        if (tolerance != null && tolerance.trim().equalsIgnoreCase("all")) {
            extra.add(error("errors.tolerance", tolerance, "errors.tolerance=all would skip records that fail to convert, "
                    + "and the transaction they belong to would be applied without them. Use errors.tolerance=none: a bad "
                    + "record stops the sink with a clear message and nothing is lost."));
        }
        String dlq = connectorConfigs.get("errors.deadletterqueue.topic.name");
        if (dlq != null && !dlq.isBlank()) {
            extra.add(error("errors.deadletterqueue.topic.name", dlq, "The sink does not divert changes to a dead letter "
                    + "queue: a change missing from the target breaks the transaction it belongs to. Remove this setting."));
        }

        boolean connectionSettingsValid = values.values().stream()
                .filter(v -> v.name().startsWith("connection."))
                .allMatch(v -> v.errorMessages().isEmpty());
        if (connectionSettingsValid && connectorConfigs.get(CitusSinkConfig.CONNECTION_URL) != null) {
            String problem = checkConnection(new CitusSinkConfig(connectorConfigs));
            if (problem != null) {
                values.get(CitusSinkConfig.CONNECTION_URL).addErrorMessage(problem);
            }
        }
        List<ConfigValue> all = new ArrayList<>(config.configValues());
        all.addAll(extra);
        return new Config(all);
    }

    private static ConfigValue error(String name, String value, String message) {
        ConfigValue v = new ConfigValue(name, value, List.of(), new ArrayList<>());
        v.addErrorMessage(message);
        return v;
    }

    /** Null when the target answers, otherwise what went wrong and what to check. */
    static String checkConnection(CitusSinkConfig config) {
        DriverManager.setLoginTimeout(15);
        try (Connection c = DriverManager.getConnection(config.url(), TargetSession.connectionProperties(config.user(), config.password()));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return null;
        } catch (SQLException e) {
            return "Cannot connect to the target with this URL, user and password: " + e.getMessage()
                    + ". Check that the coordinator is reachable from the Connect workers and accepts this user.";
        }
    }
}
