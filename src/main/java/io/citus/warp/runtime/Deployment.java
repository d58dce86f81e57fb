package io.citus.warp.runtime;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.schema.InheritanceTree;
import io.citus.warp.schema.ReplicaIdentity;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.embedded.WarpHome;
import io.citus.warp.common.ConnectorPlaceholders;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two connector configs of a migration, rendered from the shipped templates in {@code connectors/}. */
public record Deployment(MigrationNames names, PgEndpoint source, PgEndpoint target, List<TableName> tables,
                         String secretsFile, String progressSchema,
                         Map<String, String> sourceOverrides, Map<String, String> sinkOverrides) {

    /**
     * The two connector configs of {@code plan}, with the settings warp derives: the sink's Kafka bootstrap servers, the
     * replica identity indexes and the inheritance parents' snapshot queries read from the source, and a local secrets
     * file when none is given.
     *
     * @param readCatalog read settings that depend on the source tables (replica identity indexes) from the source
     */
    public static Deployment of(MigrationPlan plan, Map<String, String> sourceOverrides, Map<String, String> sinkOverrides,
                                 KafkaClients kafka, boolean readCatalog) throws java.sql.SQLException {
        PgEndpoint source = plan.source();
        String bootstrapServers = kafka.bootstrapServers();
        // A secured cluster (--kafka-config) needs the sink's own client settings, kafka.admin.* (secrets through a
        // config provider): warp does not copy the file's secrets into a connector config that Connect's REST API shows.
        boolean sinkCanConnect = !kafka.hasProperties()
                || sinkOverrides.keySet().stream().anyMatch(k -> k.startsWith(SinkConfigKeys.KAFKA_ADMIN_PREFIX));
        if (bootstrapServers != null && sinkCanConnect && !sinkOverrides.containsKey(SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS)) {
            // The sink checks its stored position against the topic (ID, first and last offsets) through this cluster.
            sinkOverrides = new LinkedHashMap<>(sinkOverrides);
            sinkOverrides.put(SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        }
        List<TableName> tables = plan.tables();
        if (readCatalog && !sinkOverrides.containsKey(SinkConfigKeys.REPLICA_IDENTITY_INDEX)) {
            // Tables with REPLICA IDENTITY USING INDEX: the sink matches their updates and deletes by that index.
            String identity = ReplicaIdentity.indexColumns(source, tables);
            if (!identity.isEmpty()) {
                sinkOverrides = new LinkedHashMap<>(sinkOverrides);
                sinkOverrides.put(SinkConfigKeys.REPLICA_IDENTITY_INDEX, identity);
            }
        }
        if (readCatalog && !sourceOverrides.containsKey(SNAPSHOT_OVERRIDES)) {
            // Debezium's snapshot reads SELECT * FROM parent, children's rows included: a parent's own rows only.
            Map<String, String> own = snapshotOwnRowsOnly(InheritanceTree.parents(source, tables));
            if (!own.isEmpty()) {
                sourceOverrides = new LinkedHashMap<>(sourceOverrides);
                sourceOverrides.putAll(own);
            }
        }
        String secrets = plan.secretsFile();
        if (secrets == null) {
            // Only for a worker on this machine (embedded, or start --print); a remote cluster needs --secrets-file.
            secrets = writeLocalSecrets(plan.names().name(), source, plan.target());
        }
        // The connectors reach the databases as the workers see them (--connect-source/--connect-target).
        return new Deployment(plan.names(), plan.connectSource(), plan.connectTarget(), tables, secrets, plan.progressSchema(),
                sourceOverrides, sinkOverrides);
    }

    /** The shipped templates' placeholders, filled from this migration's endpoints and names. */
    public ConnectorPlaceholders placeholders() {
        return new ConnectorPlaceholders(database(source), database(target), secretsFile, names.topicPrefix(), names.slot(),
                // Debezium's table.include.list: one full-match, case-sensitive regular expression per table.
                names.publication(), TableIncludeList.render(tables));
    }

    private static ConnectorPlaceholders.Database database(PgEndpoint endpoint) {
        return new ConnectorPlaceholders.Database(endpoint.host(), endpoint.port(), endpoint.user(), endpoint.database(),
                endpoint.parameters());
    }

    /**
     * What is wrong with the rendered source config's table filter (see CaptureCoverage): a migrated table it drops, or
     * another table of the source it would capture. Empty when it captures exactly the migrated tables.
     *
     * @param warpSource the source as warp reaches it (--source)
     */
    public List<String> captureErrors(PgEndpoint warpSource) throws java.sql.SQLException {
        // warp's own view of the source: this deployment's source endpoint is the one the Connect workers reach.
        try (java.sql.Connection c = warpSource.connect()) {
            return CaptureCoverage.filterErrors(c, sourceConfig(), tables, progressSchema);
        }
    }

    /** Debezium's list of tables whose snapshot query is given (each in {@code <this>.<table>}). */
    public static final String SNAPSHOT_OVERRIDES = "snapshot.select.statement.overrides";

    /**
     * Debezium snapshot queries reading only each parent's own rows ({@code SELECT * FROM ONLY}): its default
     * {@code SELECT * FROM parent} returns the children's rows too, which the sink would load into the parent. Debezium
     * splits the list at every comma and parses each entry as a table id (quotes allowed): a name holding a comma cannot
     * be listed (warp check refuses such a parent with --initial-load=debezium).
     */
    public static Map<String, String> snapshotOwnRowsOnly(List<TableName> parents) {
        Map<String, String> config = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (TableName parent : parents) {
            if (parent.schema().contains(",") || parent.table().contains(",")) {
                continue;
            }
            String id = debeziumId(parent);
            ids.add(id);
            config.put(SNAPSHOT_OVERRIDES + "." + id, "SELECT * FROM ONLY " + parent.quoted());
        }
        if (!ids.isEmpty()) {
            config.put(SNAPSHOT_OVERRIDES, String.join(",", ids));
        }
        return config;
    }

    /** A table id as Debezium's TableId.parse reads it: plain names as they are, others double-quoted. */
    static String debeziumId(TableName t) {
        return plain(t.schema()) && plain(t.table()) ? t.schema() + "." + t.table() : t.quoted();
    }

    private static boolean plain(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    public Map<String, String> sourceConfig() {
        ConnectorPlaceholders placeholders = placeholders();
        Map<String, String> c = new LinkedHashMap<>(ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, placeholders.values()));
        c.putAll(placeholders.sourceDatabaseSettings());
        c.putAll(sourceOverrides);
        return c;
    }

    public Map<String, String> sinkConfig() {
        ConnectorPlaceholders placeholders = placeholders();
        Map<String, String> c = new LinkedHashMap<>(ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, placeholders.values()));
        c.computeIfPresent(SinkConfigKeys.CONNECTION_URL, (k, url) -> placeholders.sinkConnectionUrl(url));
        // Named explicitly so that warp status reads the very row the sink writes, whatever the sink's default.
        c.put(SinkConfigKeys.PROGRESS_STREAM, names.stream());
        if (!SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA.equals(progressSchema)) {
            c.put(SinkConfigKeys.PROGRESS_SCHEMA, progressSchema);
        }
        c.putAll(sinkOverrides);
        return c;
    }

    /**
     * The base-copy connector's config (connectors/config/base-copy.json) for this migration: the copy inside Connect,
     * its tasks the parallel streams, writing where the sink writes (the sink's mapping and progress schema).
     */
    public Map<String, String> baseCopyConfig(io.citus.warp.basecopy.BaseCopyOptions options) {
        ConnectorPlaceholders placeholders = placeholders();
        Map<String, String> c = new LinkedHashMap<>(ConnectorTemplates.render(ConnectorTemplates.BASE_COPY, placeholders.values()));
        c.computeIfPresent("source.url", (k, url) -> placeholders.sourceConnectionUrl(url));
        c.computeIfPresent(SinkConfigKeys.CONNECTION_URL, (k, url) -> placeholders.sinkConnectionUrl(url));
        c.put("tasks.max", Integer.toString(options.parallelism()));
        c.put("copy.range.rows", Long.toString(options.rangeRows()));
        if (options.binary()) {
            c.put("copy.format", "binary");
        }
        if (!SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA.equals(progressSchema)) {
            c.put(SinkConfigKeys.PROGRESS_SCHEMA, progressSchema);
        }
        for (String key : List.of(SinkConfigKeys.SCHEMA_MAPPING, SinkConfigKeys.TABLE_MAPPING, SinkConfigKeys.PROGRESS_SCHEMA)) {
            if (sinkOverrides.containsKey(key)) {
                c.put(key, sinkOverrides.get(key));
            }
        }
        return c;
    }

    /**
     * Writes the passwords from the URLs into {@code ~/.warp/<name>.secrets.properties} (mode 600) and
     * returns its path, for Connect's file config provider. Only meaningful when the Connect workers share
     * this machine's file system (the embedded worker); otherwise give --secrets-file.
     */
    public static String writeLocalSecrets(String name, PgEndpoint source, PgEndpoint target) {
        try {
            Path dir = WarpHome.dir();
            Path file = dir.resolve(name + ".secrets.properties");
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            StringBuilder text = new StringBuilder("source.password=" + escape(source.password()) + "\ntarget.password="
                    + escape(target.password()) + "\n");
            for (String key : ConnectorPlaceholders.SECRET_PARAMETERS) {
                if (source.parameters().containsKey(key)) {
                    text.append("source.").append(key).append('=').append(escape(source.parameters().get(key))).append('\n');
                }
                if (target.parameters().containsKey(key)) {
                    text.append("target.").append(key).append('=').append(escape(target.parameters().get(key))).append('\n');
                }
            }
            Files.writeString(file, text);
            return file.toAbsolutePath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets file under ~/.warp", e);
        }
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
