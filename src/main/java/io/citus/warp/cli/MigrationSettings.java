package io.citus.warp.cli;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.TableName;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The options every command shares: where the source and target are, which tables, the migration's
 * name (from which connector, slot, publication and topic names derive) and where Connect and Kafka are.
 * A {@code --config} properties file can give any of them (keys are the option names without dashes:
 * {@code source}, {@code target}, {@code tables}, {@code name}, {@code connect-url}, ...); flags win.
 */
public final class MigrationSettings {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with any of these options (keys without dashes).")
    Path config;

    @Option(names = "--source", paramLabel = "URL", description = "Source database: jdbc:postgresql://host:port/db?user=u&password=p or postgres://u:p@host:port/db.")
    String source;

    @Option(names = "--target", paramLabel = "URL", description = "Target database (the Citus coordinator, or PostgreSQL), same URL forms.")
    String target;

    @Option(names = "--tables", paramLabel = "LIST", description = "Tables to migrate, schema.table, comma separated. Default: every table of the source outside system schemas.")
    String tables;

    @Option(names = "--name", paramLabel = "NAME", description = "Migration name (default: " + MigrationSettings.DEFAULT_NAME + "); connectors are warp-NAME-source/-sink, slot and publication warp_NAME, topic warp-NAME.changes.")
    String name;

    @Option(names = "--connect-url", paramLabel = "URL", description = "Kafka Connect REST URL of an existing cluster. Without it, warp starts an embedded Kafka broker in this process and a Connect worker in a child JVM.")
    String connectUrl;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", description = "Kafka bootstrap servers of that cluster (for consumer lag and topic deletion).")
    String bootstrapServers;

    @Option(names = "--secrets-file", paramLabel = "PATH", description = "Properties file with source.password and target.password, as the Connect workers see it (the connector configs reference it through Connect's file config provider). Required with --connect-url; embedded mode: written by warp under ~/.warp from the URLs' passwords.")
    String secretsFile;

    @Option(names = "--progress-schema", paramLabel = "SCHEMA", description = "Target schema of the sink's progress tables (default: " + MigrationSettings.DEFAULT_PROGRESS_SCHEMA + ").")
    String progressSchema;

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    private boolean resolved;

    static final String DEFAULT_NAME = "migration";
    static final String DEFAULT_PROGRESS_SCHEMA = "warp";

    /** Fills unset options from --config; idempotent. */
    public MigrationSettings resolve() {
        if (resolved) {
            return this;
        }
        resolved = true;
        if (config != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(config)) {
                p.load(r);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --config " + config + ": " + e.getMessage());
            }
            source = pick(source, p, "source");
            target = pick(target, p, "target");
            tables = pick(tables, p, "tables");
            name = pick(name, p, "name");
            connectUrl = pick(connectUrl, p, "connect-url");
            bootstrapServers = pick(bootstrapServers, p, "bootstrap-servers");
            secretsFile = pick(secretsFile, p, "secrets-file");
            progressSchema = pick(progressSchema, p, "progress-schema");
        }
        if (name == null) {
            name = DEFAULT_NAME;
        }
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,40}")) {
            throw new ParameterException(spec.commandLine(), "--name must be lowercase letters, digits, '_' or '-' (at most 41): " + name);
        }
        if (progressSchema == null) {
            progressSchema = DEFAULT_PROGRESS_SCHEMA;
        }
        return this;
    }

    private static String pick(String flag, Properties p, String key) {
        return flag != null ? flag : p.getProperty(key);
    }

    public PgEndpoint sourceEndpoint() {
        resolve();
        if (source == null) {
            throw new ParameterException(spec.commandLine(), "--source is required (or source= in --config)");
        }
        return parseEndpoint(source, "--source");
    }

    public PgEndpoint targetEndpoint() {
        resolve();
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "--target is required (or target= in --config)");
        }
        return parseEndpoint(target, "--target");
    }

    private PgEndpoint parseEndpoint(String url, String option) {
        try {
            return PgEndpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** The tables given with --tables; empty means "discover all on the source". */
    public List<TableName> explicitTables() {
        resolve();
        return TableName.parseList(tables);
    }

    public MigrationNames names() {
        resolve();
        return new MigrationNames(name);
    }

    public boolean json() {
        return json;
    }

    public String connectUrl() {
        resolve();
        return connectUrl;
    }

    public String bootstrapServers() {
        resolve();
        return bootstrapServers;
    }

    public String secretsFile() {
        resolve();
        return secretsFile;
    }

    public String progressSchema() {
        resolve();
        return progressSchema;
    }

    /** Everything but passwords, for --json echoes. */
    public Map<String, Object> describe() {
        resolve();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("source", source == null ? null : PgEndpoint.redact(source));
        m.put("target", target == null ? null : PgEndpoint.redact(target));
        m.put("connectUrl", connectUrl == null ? "embedded" : connectUrl);
        return m;
    }

    /** The names derived from the migration name. */
    public record MigrationNames(String name) {
        public String sourceConnector() {
            return "warp-" + name + "-source";
        }

        public String sinkConnector() {
            return "warp-" + name + "-sink";
        }

        public String slot() {
            return "warp_" + name.replace('-', '_').toLowerCase(Locale.ROOT);
        }

        public String publication() {
            return slot();
        }

        public String topicPrefix() {
            return "warp-" + name;
        }

        public String topic() {
            return topicPrefix() + ".changes";
        }

        /** The sink's progress stream: its topic name, the sink's default. */
        public String stream() {
            return topic();
        }

        public String consumerGroup() {
            return "connect-" + sinkConnector();
        }
    }
}
