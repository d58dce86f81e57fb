package io.citus.warp.common;

import java.util.Map;

/**
 * The sink connector's config keys that warp renders into a sink config and reads back from a deployed one, and
 * the defaults both sides must apply alike (the sink defines every key with its documentation in CitusSinkConfig).
 */
public final class SinkConfigKeys {
    private SinkConfigKeys() {
    }

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String SCHEMA_MAPPING = "schema.mapping";
    public static final String TABLE_MAPPING = "table.mapping";
    public static final String PROGRESS_SCHEMA = "progress.schema";
    public static final String PROGRESS_STREAM = "progress.stream";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String KAFKA_ADMIN_PREFIX = "kafka.admin.";
    public static final String REPLICA_IDENTITY_INDEX = "replica.identity.index";
    public static final String TOPICS = "topics";
    /** The base copy's slot whose end the sink waits for (set by warp start/migrate with the base copy). */
    public static final String BASE_COPY_SLOT = "base.copy.slot";
    /** The slot whose captured schema changes the sink follows (set by warp start). */
    public static final String SCHEMA_CHANGES_SLOT = "schema.changes.slot";

    /** Default of {@value #PROGRESS_SCHEMA}. */
    public static final String DEFAULT_PROGRESS_SCHEMA = "warp";

    /** The stream name the sink records its progress under: {@value #PROGRESS_STREAM}, else the connector's name. */
    public static String stream(String progressStream, String connectorName) {
        return progressStream == null || progressStream.isBlank() ? connectorName : progressStream;
    }

    /** The stream of a deployed sink, from its config as Connect returns it. */
    public static String stream(Map<String, String> sinkConfig, String connectorName) {
        return stream(sinkConfig.get(PROGRESS_STREAM), connectorName);
    }

    /** The progress schema of a deployed sink, from its config. */
    public static String progressSchema(Map<String, String> sinkConfig) {
        String s = sinkConfig.get(PROGRESS_SCHEMA);
        return s == null || s.isBlank() ? DEFAULT_PROGRESS_SCHEMA : s;
    }
}
