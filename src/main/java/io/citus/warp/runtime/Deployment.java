package io.citus.warp.runtime;

import io.citus.warp.cli.MigrationSettings.MigrationNames;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The two connector configs of a migration, rendered from the shipped templates in {@code connectors/}. */
public record Deployment(MigrationNames names, PgEndpoint source, PgEndpoint target, List<TableName> tables,
                         String secretsFile, String progressSchema,
                         Map<String, String> sourceOverrides, Map<String, String> sinkOverrides) {

    /** The shipped templates' placeholders, filled from this migration's endpoints and names. */
    public ConnectorPlaceholders placeholders() {
        return new ConnectorPlaceholders(database(source), database(target), secretsFile, names.topicPrefix(), names.slot(),
                names.publication(), tables.stream().map(t -> escapeRegex(t.toString())).collect(Collectors.joining(",")));
    }

    private static ConnectorPlaceholders.Database database(PgEndpoint endpoint) {
        return new ConnectorPlaceholders.Database(endpoint.host(), endpoint.port(), endpoint.user(), endpoint.database(),
                endpoint.parameters());
    }

    /** table.include.list entries are regular expressions: a dot in a name must be literal. */
    static String escapeRegex(String qualified) {
        return qualified.replace(".", "\\.");
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
