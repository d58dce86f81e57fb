package io.citus.warp.sink;

import io.citus.warp.common.ReplicaIdentityIndexes;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.txn.TransactionBoundaries;
import io.citus.warp.sink.value.PgText;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The Citus sink's settings; the keys warp renders and reads back are shared through {@link SinkConfigKeys}. */
public final class CitusSinkConfig extends AbstractConfig {
    /** The connector's name, which Connect adds to every connector and task config. */
    public static final String CONNECTOR_NAME = "name";
    public static final String CONNECTION_URL = SinkConfigKeys.CONNECTION_URL;
    public static final String CONNECTION_USER = SinkConfigKeys.CONNECTION_USER;
    public static final String CONNECTION_PASSWORD = SinkConfigKeys.CONNECTION_PASSWORD;
    public static final String TRANSACTION_BOUNDARIES = "transaction.boundaries";
    public static final String UNAVAILABLE_PLACEHOLDER = "unavailable.value.placeholder";
    public static final String TIMETZ_AS_UTC = "timetz.accept.utc";
    public static final String KEYLESS_TABLES = "keyless.tables";
    public static final String REPLICA_IDENTITY_INDEX = SinkConfigKeys.REPLICA_IDENTITY_INDEX;
    public static final String SCHEMA_MAPPING = SinkConfigKeys.SCHEMA_MAPPING;
    public static final String TABLE_MAPPING = SinkConfigKeys.TABLE_MAPPING;
    public static final String GROUP_MAX_CHANGES = "apply.group.max.changes";
    public static final String TRANSACTION_BUFFER_CHANGES = "apply.transaction.buffer.changes";
    public static final String TRANSACTION_BUFFER_BYTES = "apply.transaction.buffer.bytes";
    public static final String PROGRESS_SCHEMA = SinkConfigKeys.PROGRESS_SCHEMA;
    public static final String PROGRESS_STREAM = SinkConfigKeys.PROGRESS_STREAM;
    public static final String RETRY_TIMEOUT_MS = "retry.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String SUMMARY_INTERVAL_MS = "log.summary.interval.ms";
    public static final String KAFKA_BOOTSTRAP_SERVERS = SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Prefix of further Kafka Admin client settings (security) for the position check. */
    public static final String KAFKA_ADMIN_PREFIX = SinkConfigKeys.KAFKA_ADMIN_PREFIX;
    public static final String SNAPSHOT_NONEMPTY_TARGET = "snapshot.nonempty.target";
    public static final String BASE_COPY_SLOT = SinkConfigKeys.BASE_COPY_SLOT;
    public static final String SCHEMA_CHANGES = "schema.changes";
    public static final String SCHEMA_CHANGES_SLOT = SinkConfigKeys.SCHEMA_CHANGES_SLOT;

    private static final String CONNECTION_GROUP = "Connection";
    private static final String STREAM_GROUP = "Stream";
    private static final String MAPPING_GROUP = "Table mapping";
    private static final String APPLY_GROUP = "Apply";
    private static final String ERRORS_GROUP = "Errors";
    private static final String POSITION_GROUP = "Position check";
    private static final String SCHEMA_GROUP = "Schema changes";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new JdbcUrl(), Importance.HIGH,
                    "JDBC URL of the Citus coordinator (or a PostgreSQL server), e.g. jdbc:postgresql://coordinator:5432/app. "
                            + "The sink sets stringtype=unspecified and reWriteBatchedInserts=true itself.",
                    CONNECTION_GROUP, 1, Width.LONG, "Target JDBC URL")
            .define(CONNECTION_USER, Type.STRING, "", Importance.HIGH,
                    "Target user. It needs INSERT, UPDATE, DELETE and TRUNCATE on the migrated tables, and CREATE on the "
                            + "database the first time (for the progress schema).",
                    CONNECTION_GROUP, 2, Width.MEDIUM, "Target user")
            .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Target password. Prefer a Connect config provider reference, e.g. ${file:/secrets/warp.properties:target.password}.",
                    CONNECTION_GROUP, 3, Width.MEDIUM, "Target password")
            .define(TRANSACTION_BOUNDARIES, Type.STRING, "markers",
                    ConfigDef.CaseInsensitiveValidString.in("markers", "txid"), Importance.MEDIUM,
                    "How the sink knows a source transaction is complete. 'markers': Debezium's BEGIN/END records "
                            + "(provide.transaction.metadata=true, routed into the sink's topic); each transaction is applied as "
                            + "soon as its END arrives and END's change count is checked. 'txid': change events only; a "
                            + "transaction is applied when the next one starts, so the last one waits for the next source write.",
                    STREAM_GROUP, 1, Width.SHORT, "Transaction boundaries")
            .define(UNAVAILABLE_PLACEHOLDER, Type.STRING, PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER, Importance.LOW,
                    "Debezium's unavailable.value.placeholder (unchanged TOASTed values); must match the source connector's. "
                            + "Columns carrying it are left unchanged on the target.",
                    STREAM_GROUP, 2, Width.MEDIUM, "TOAST placeholder")
            .define(TIMETZ_AS_UTC, Type.BOOLEAN, false, Importance.LOW,
                    "Debezium converts time with time zone (timetz) values to UTC, losing their original offset, so the "
                            + "sink refuses to write them by default. Set true to accept timetz values normalised to UTC.",
                    STREAM_GROUP, 3, Width.SHORT, "Accept timetz as UTC")
            .define(REPLICA_IDENTITY_INDEX, Type.LIST, "", Importance.MEDIUM,
                    "Source tables whose REPLICA IDENTITY is USING INDEX, each with that index's columns: "
                            + "schema.table:col1+col2, comma-separated (a name holding . : + or a double quote goes in double "
                            + "quotes, inner quotes doubled). Debezium's old image of their updates and deletes holds "
                            + "those columns, not the primary key (a key column missing from it arrives as 0 or null), so the sink "
                            + "matches such changes by the index columns instead. warp start fills this from the source catalog.",
                    MAPPING_GROUP, 3, Width.LONG, "Replica identity indexes")
            .define(KEYLESS_TABLES, Type.LIST, "", Importance.LOW,
                    "Source tables (schema.table) without a primary key that may be copied anyway. Each must have "
                            + "REPLICA IDENTITY FULL on the source, so that updates and deletes carry the whole old row: the "
                            + "sink then changes one target row whose every column equals the old row (duplicates included), "
                            + "which scans the table for each change. Other tables without a primary key are refused.",
                    STREAM_GROUP, 4, Width.LONG, "Tables without primary key")
            .define(SCHEMA_MAPPING, Type.LIST, "", new MappingList(), Importance.MEDIUM,
                    "Source schema to target schema, e.g. public=app,sales=sales_v2. Unlisted schemas keep their names.",
                    MAPPING_GROUP, 1, Width.LONG, "Schema mapping")
            .define(TABLE_MAPPING, Type.LIST, "", new MappingList(), Importance.MEDIUM,
                    "Source table to target table, e.g. public.orders=sales.orders. Wins over schema.mapping.",
                    MAPPING_GROUP, 2, Width.LONG, "Table mapping")
            .define(GROUP_MAX_CHANGES, Type.INT, 20_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Consecutive source transactions are committed together on the target (group commit) up to this many "
                            + "row changes; one source transaction is never split, however large.",
                    APPLY_GROUP, 1, Width.SHORT, "Group commit size")
            .define(TRANSACTION_BUFFER_CHANGES, Type.INT, 20_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Changes of one open source transaction held in memory. A larger transaction is written in parts of "
                            + "this many changes into one target transaction that stays open until the source transaction's "
                            + "END and commits with it, so memory stays bounded whatever the transaction's size (markers "
                            + "mode only; see docs/guarantees.md).",
                    APPLY_GROUP, 4, Width.SHORT, "Transaction buffer")
            .define(TRANSACTION_BUFFER_BYTES, Type.LONG, 64L << 20, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "About how many bytes of row values of one open source transaction are held in memory before they "
                            + "are written as a part, as for apply.transaction.buffer.changes: with values of megabytes a few "
                            + "hundred changes would otherwise fill the worker's heap. One change larger than this is written "
                            + "alone.",
                    APPLY_GROUP, 5, Width.SHORT, "Transaction buffer bytes")
            .define(PROGRESS_SCHEMA, Type.STRING, SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Target schema of the sink's progress tables (sink_progress, snapshot_progress).",
                    APPLY_GROUP, 2, Width.SHORT, "Progress schema")
            .define(PROGRESS_STREAM, Type.STRING, "", Importance.LOW,
                    "Name of this stream in the progress tables; defaults to the connector's name.",
                    APPLY_GROUP, 3, Width.MEDIUM, "Progress stream name")
            .define(RETRY_TIMEOUT_MS, Type.LONG, 600_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How long the sink keeps retrying a group after transient failures (connection loss, coordinator "
                            + "restart, deadlock, serialization failure) before the task fails.",
                    ERRORS_GROUP, 1, Width.SHORT, "Retry time")
            .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "Pause before retrying after a transient failure.",
                    ERRORS_GROUP, 2, Width.SHORT, "Retry backoff")
            .define(SUMMARY_INTERVAL_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1_000), Importance.LOW,
                    "Interval of the INFO summary line (transactions, changes, delay).",
                    ERRORS_GROUP, 3, Width.SHORT, "Summary interval")
            .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
                    "Bootstrap servers of the Kafka cluster the sink reads (the Connect worker's bootstrap.servers). When "
                            + "the task positions itself from the target's progress, it asks this cluster, with a Kafka Admin "
                            + "client, for the topic's ID and its first and last offsets, and fails instead of skipping or "
                            + "repeating anything when the topic was recreated or records after the stored position were deleted. "
                            + "Further Admin client settings (e.g. security) go under the prefix 'kafka.admin.'. Empty: the "
                            + "check is not made (a warning says so at start).",
                    POSITION_GROUP, 1, Width.LONG, "Kafka bootstrap servers")
            .define(SNAPSHOT_NONEMPTY_TARGET, Type.STRING, "fail",
                    ConfigDef.CaseInsensitiveValidString.in("fail", "truncate"), Importance.MEDIUM,
                    "What the first snapshot load of a table does when the target table already holds rows (that this "
                            + "stream did not load): 'fail' stops the task naming the table, so that foreign rows are never "
                            + "merged with the source's; 'truncate' empties the target table first, in the same transaction as "
                            + "its first snapshot rows.",
                    POSITION_GROUP, 2, Width.SHORT, "Non-empty target at first snapshot")
            .define(BASE_COPY_SLOT, Type.STRING, "", Importance.MEDIUM,
                    "When Warp's base copy loads the existing rows (the base-copy connector, or warp start's copy): the "
                            + "source connector's replication slot, under which the copy records itself (the shipped config sets "
                            + "it). Debezium streams while the copy runs; the sink holds every change (its partition paused) until "
                            + "the copy's record in the progress schema (base_copy) says it has finished, then skips the "
                            + "transactions committed before the copy's consistent point (they are in the copied rows) and applies "
                            + "the rest. Empty: no base copy, the stream is applied as it arrives (Debezium's snapshot).",
                    POSITION_GROUP, 3, Width.MEDIUM, "Base copy slot")
            .define(SCHEMA_CHANGES, Type.STRING, "apply", ConfigDef.CaseInsensitiveValidString.in("apply", "stop"), Importance.MEDIUM,
                    "What the sink does with a schema change that warp's capture recorded on the source (docs/schema-changes.md). "
                            + "'apply': ADD COLUMN (no default or one PostgreSQL stores once), DROP COLUMN, type changes PostgreSQL "
                            + "makes without rewriting the table (varchar(n) to varchar(m > n) or text, numeric precision up), "
                            + "defaults and NOT NULL are applied on the target through the coordinator, in the same target transaction "
                            + "as the source transaction that made them; every other change stops the task before any of its data, "
                            + "naming the DDL to run on the target. 'stop': every change stops the task so, and the sink goes on once "
                            + "the target table matches the source's new definition.",
                    SCHEMA_GROUP, 1, Width.SHORT, "Schema changes")
            .define(SCHEMA_CHANGES_SLOT, Type.STRING, "", Importance.LOW,
                    "The source replication slot whose captured schema changes this sink follows (warp start sets it): the "
                            + "capture serves every migration of the source database, each under its slot. Empty: the "
                            + "base.copy.slot when set, else the changes captured under any slot.",
                    SCHEMA_GROUP, 2, Width.MEDIUM, "Schema change slot");

    public CitusSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public String url() {
        return getString(CONNECTION_URL);
    }

    public String user() {
        return getString(CONNECTION_USER);
    }

    public String password() {
        Password p = getPassword(CONNECTION_PASSWORD);
        return p == null ? null : p.value();
    }

    public TransactionBoundaries boundaries() {
        return TransactionBoundaries.valueOf(getString(TRANSACTION_BOUNDARIES).toUpperCase(Locale.ROOT));
    }

    public String placeholder() {
        return getString(UNAVAILABLE_PLACEHOLDER);
    }

    public boolean timetzAsUtc() {
        return getBoolean(TIMETZ_AS_UTC);
    }

    /** replica.identity.index as table to the index's columns. */
    public Map<TableName, List<String>> replicaIdentityIndexes() {
        try {
            return ReplicaIdentityIndexes.parse(getList(REPLICA_IDENTITY_INDEX));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(REPLICA_IDENTITY_INDEX, getList(REPLICA_IDENTITY_INDEX), e.getMessage());
        }
    }

    public Set<TableName> keylessTables() {
        Set<TableName> tables = new HashSet<>();
        for (String t : getList(KEYLESS_TABLES)) {
            tables.add(TableName.parse(t.trim()));
        }
        return tables;
    }

    /** The mapping as common/TableMapping parses it from the settings' text (quoted names may hold commas). */
    public TableMapping mapping() {
        return TableMapping.of(originalsStrings());
    }

    public int groupMaxChanges() {
        return getInt(GROUP_MAX_CHANGES);
    }

    public String progressSchema() {
        return getString(PROGRESS_SCHEMA);
    }

    /** The stream's name in the progress tables. */
    public String stream(String connectorName) {
        return SinkConfigKeys.stream(getString(PROGRESS_STREAM), connectorName);
    }

    public int transactionBufferChanges() {
        return getInt(TRANSACTION_BUFFER_CHANGES);
    }

    public long transactionBufferBytes() {
        return getLong(TRANSACTION_BUFFER_BYTES);
    }

    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long summaryIntervalMs() {
        return getLong(SUMMARY_INTERVAL_MS);
    }

    /** Admin client settings for the position check, or null when {@value #KAFKA_BOOTSTRAP_SERVERS} is empty. */
    public Map<String, Object> kafkaAdminSettings() {
        String servers = getString(KAFKA_BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            return null;
        }
        Map<String, Object> settings = new java.util.HashMap<>(originalsWithPrefix(KAFKA_ADMIN_PREFIX));
        settings.put("bootstrap.servers", servers);
        settings.putIfAbsent("client.id", "citus-warp-sink-position-check");
        return settings;
    }

    /** The base copy's slot whose end the sink waits for; empty when there is none. */
    public String baseCopySlot() {
        return getString(BASE_COPY_SLOT).trim();
    }

    /** Whether captured schema changes the sink can make exactly are applied (else every one stops the task). */
    public boolean applySchemaChanges() {
        return "apply".equalsIgnoreCase(getString(SCHEMA_CHANGES));
    }

    /** The slot whose captured schema changes this stream follows; empty: any. */
    public String schemaChangeSlot() {
        String slot = getString(SCHEMA_CHANGES_SLOT).trim();
        return slot.isEmpty() ? baseCopySlot() : slot;
    }

    public boolean truncateNonEmptyTarget() {
        return "truncate".equalsIgnoreCase(getString(SNAPSHOT_NONEMPTY_TARGET));
    }

    static final class JdbcUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !value.toString().startsWith("jdbc:postgresql://")) {
                throw new ConfigException(name, value, "must be a PostgreSQL JDBC URL: jdbc:postgresql://host:port/database");
            }
        }

        @Override
        public String toString() {
            return "jdbc:postgresql://host:port/database";
        }
    }

    static final class MappingList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            // The list as written (Kafka split it at every comma, also inside a quoted name), parsed as TableMapping does.
            String text = ((List<?>) value).stream().map(Object::toString).collect(java.util.stream.Collectors.joining(","));
            try {
                TableMapping.of(java.util.Map.of(name, text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "comma-separated from=to pairs";
        }
    }
}
