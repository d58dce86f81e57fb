package io.citus.warp.basecopy.connect;

import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableMapping;
import io.citus.warp.db.PgEndpoint;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;

/**
 * The base-copy connector's settings. The target side uses the sink's keys ({@code connection.*}, {@code schema.mapping},
 * {@code table.mapping}, {@code progress.schema}) so that the copy writes where the sink writes; the source side names the
 * Debezium connector's slot and table list, so that the copy covers exactly what Debezium streams.
 */
public final class BaseCopyConfig extends AbstractConfig {
    public static final String SOURCE_URL = "source.url";
    public static final String SOURCE_USER = "source.user";
    public static final String SOURCE_PASSWORD = "source.password";
    public static final String SLOT_NAME = "slot.name";
    public static final String TABLE_INCLUDE_LIST = "table.include.list";
    public static final String RANGE_ROWS = "copy.range.rows";
    public static final String FORMAT = "copy.format";
    public static final String SLOT_WAIT_LOG_MS = "slot.wait.log.interval.ms";
    /** Set by the connector in each task's config: its number, for logs. */
    static final String TASK_NUMBER = "warp.copy.task";

    private static final String SOURCE_GROUP = "Source";
    private static final String TARGET_GROUP = "Target";
    private static final String COPY_GROUP = "Copy";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SOURCE_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new JdbcUrl(), Importance.HIGH,
                    "JDBC URL of the source PostgreSQL database, e.g. jdbc:postgresql://source:5432/app?sslmode=prefer: the "
                            + "database the Debezium source connector captures.",
                    SOURCE_GROUP, 1, Width.LONG, "Source JDBC URL")
            .define(SOURCE_USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Source user: REPLICATION (the copy creates a temporary slot for its snapshot) and SELECT on the tables.",
                    SOURCE_GROUP, 2, Width.MEDIUM, "Source user")
            .define(SOURCE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Source password. Prefer a Connect config provider reference, e.g. ${file:/secrets/warp.properties:source.password}.",
                    SOURCE_GROUP, 3, Width.MEDIUM, "Source password")
            .define(SLOT_NAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Debezium source connector's slot.name. The copy waits until that slot exists, then takes its snapshot "
                            + "after it, so that every transaction the snapshot lacks is in the slot's stream; it records its "
                            + "progress under this name, which the sink's base.copy.slot names.",
                    SOURCE_GROUP, 4, Width.MEDIUM, "Source connector's slot")
            .define(TABLE_INCLUDE_LIST, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Debezium source connector's table.include.list, as is: comma-separated regular expressions matched "
                            + "case-insensitively against schema.table. The copy loads every table they match (partitions through "
                            + "their partitioned table; warp.ddl_capture never).",
                    SOURCE_GROUP, 5, Width.LONG, "Tables")
            .define(SinkConfigKeys.CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new JdbcUrl(), Importance.HIGH,
                    "JDBC URL of the Citus coordinator (or PostgreSQL server): the sink's connection.url.",
                    TARGET_GROUP, 1, Width.LONG, "Target JDBC URL")
            .define(SinkConfigKeys.CONNECTION_USER, Type.STRING, "", Importance.HIGH,
                    "Target user: INSERT and TRUNCATE on the migrated tables, CREATE on the database the first time (progress "
                            + "schema), and ALTER TABLE on the tables whose foreign keys the copy sets aside.",
                    TARGET_GROUP, 2, Width.MEDIUM, "Target user")
            .define(SinkConfigKeys.CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Target password (a config provider reference).",
                    TARGET_GROUP, 3, Width.MEDIUM, "Target password")
            .define(SinkConfigKeys.SCHEMA_MAPPING, Type.LIST, "", Importance.MEDIUM,
                    "As the sink's schema.mapping: source schema to target schema. Must equal the sink's.",
                    TARGET_GROUP, 4, Width.LONG, "Schema mapping")
            .define(SinkConfigKeys.TABLE_MAPPING, Type.LIST, "", Importance.MEDIUM,
                    "As the sink's table.mapping: source table to target table. Must equal the sink's.",
                    TARGET_GROUP, 5, Width.LONG, "Table mapping")
            .define(SinkConfigKeys.PROGRESS_SCHEMA, Type.STRING, "warp", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Target schema of the copy's record (base_copy, base_copy_progress): the sink's progress.schema.",
                    TARGET_GROUP, 6, Width.SHORT, "Progress schema")
            .define(RANGE_ROWS, Type.LONG, BaseCopyOptions.DEFAULT_RANGE_ROWS, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "A table with more (estimated) rows than this is split into ranges of about this many rows; each range is one "
                            + "COPY, committed on the target with its progress row. Tasks (tasks.max: the parallel copy streams, "
                            + "placed by Connect on the cluster's workers) claim ranges one at a time.",
                    COPY_GROUP, 1, Width.SHORT, "Rows per range")
            .define(FORMAT, Type.STRING, "text", ConfigDef.CaseInsensitiveValidString.in("text", "binary"), Importance.LOW,
                    "COPY format: text works across type differences between source and target; binary needs identical column "
                            + "types on both sides.",
                    COPY_GROUP, 2, Width.SHORT, "COPY format")
            .define(SLOT_WAIT_LOG_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
                    "While the source connector's slot does not exist yet, the copy says so in the log this often.",
                    COPY_GROUP, 3, Width.SHORT, "Slot wait log interval");

    public BaseCopyConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    PgEndpoint source() {
        return endpoint(getString(SOURCE_URL), getString(SOURCE_USER), getPassword(SOURCE_PASSWORD));
    }

    PgEndpoint target() {
        return endpoint(getString(SinkConfigKeys.CONNECTION_URL), getString(SinkConfigKeys.CONNECTION_USER),
                getPassword(SinkConfigKeys.CONNECTION_PASSWORD));
    }

    private static PgEndpoint endpoint(String url, String user, Password password) {
        PgEndpoint e = PgEndpoint.parseUrl(url);
        if (user != null && !user.isBlank()) {
            e = new PgEndpoint(e.host(), e.port(), e.database(), user, e.password(), e.parameters());
        }
        if (password != null && password.value() != null) {
            e = e.withPassword(password.value());
        }
        return e.password() == null ? e.withPassword("") : e;
    }

    String slot() {
        return getString(SLOT_NAME).trim();
    }

    String includeList() {
        return getString(TABLE_INCLUDE_LIST);
    }

    TableMapping mapping() {
        return new TableMapping(getList(SinkConfigKeys.SCHEMA_MAPPING), getList(SinkConfigKeys.TABLE_MAPPING));
    }

    String progressSchema() {
        return getString(SinkConfigKeys.PROGRESS_SCHEMA);
    }

    /** @param parallelism the copy streams of one process: 1 per task */
    BaseCopyOptions options(int parallelism) {
        return new BaseCopyOptions(parallelism, getLong(RANGE_ROWS), "binary".equalsIgnoreCase(getString(FORMAT)));
    }

    long slotWaitLogMs() {
        return getLong(SLOT_WAIT_LOG_MS);
    }

    /** A PostgreSQL JDBC URL, checked without its password ever being quoted. */
    static final class JdbcUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                PgEndpoint.parseUrl(value == null ? "" : value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, "(not shown)", e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "jdbc:postgresql://host:port/database";
        }
    }
}
