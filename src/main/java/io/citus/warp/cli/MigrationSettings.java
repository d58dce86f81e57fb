package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Option(names = "--source", paramLabel = "URL", description = "Source database: jdbc:postgresql://host:port/db?user=u or postgres://u@host:port/db. Password: see --source-password-file.")
    String source;

    @Option(names = "--target", paramLabel = "URL", description = "Target database (the Citus coordinator, or PostgreSQL), same URL forms. Password: see --target-password-file.")
    String target;

    @Option(names = "--connect-source", paramLabel = "URL", description = "The source as the Connect workers reach it, when that differs from --source (warp through a bastion or port-forward, workers in Docker or Kubernetes networks): host, port, database, user and connection parameters of this URL go into the source connector's config. Default: --source.")
    String connectSource;

    @Option(names = "--connect-target", paramLabel = "URL", description = "The target as the Connect workers reach it, when that differs from --target; goes into the sink connector's config. Default: --target.")
    String connectTarget;

    @Option(names = "--source-password-file", paramLabel = "PATH", description = "File whose first line is the source password. Otherwise: $" + SOURCE_PASSWORD_ENV + ", --source-password (prompt), $PGPASSWORD, in that order (a password in the URL wins but shows in ps).")
    Path sourcePasswordFile;

    @Option(names = "--target-password-file", paramLabel = "PATH", description = "File whose first line is the target password. Otherwise: $" + TARGET_PASSWORD_ENV + ", --target-password (prompt), $PGPASSWORD.")
    Path targetPasswordFile;

    @Option(names = "--source-password", interactive = true, description = "Prompt for the source password (not echoed; never given on the command line).")
    char[] sourcePasswordPrompt;

    @Option(names = "--target-password", interactive = true, description = "Prompt for the target password (not echoed; never given on the command line).")
    char[] targetPasswordPrompt;

    @Option(names = "--tables", paramLabel = "LIST", description = "Tables to migrate, schema.table, comma separated. Default: every table of the source outside system schemas.")
    String tables;

    @Option(names = "--name", paramLabel = "NAME", description = "Migration name (default: " + MigrationSettings.DEFAULT_NAME + "); connectors are warp-NAME-source/-sink, slot and publication warp_NAME, topic warp-NAME.changes.")
    String name;

    @Option(names = "--connect-url", paramLabel = "URL", description = "Kafka Connect REST URL of an existing cluster. Without it, warp starts an embedded Kafka broker in this process and a Connect worker in a child JVM.")
    String connectUrl;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", description = "Kafka bootstrap servers of that cluster (for consumer lag and topic deletion).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties file (security.protocol, sasl.*, ssl.*; as Kafka's tools take with --command-config) for warp's own Kafka clients: consumer lag, consumer-group and topic deletion. Its bootstrap.servers is used when --bootstrap-servers is not given. Its values are never printed.")
    Path kafkaConfig;

    @Option(names = "--secrets-file", paramLabel = "PATH", description = "Properties file with source.password and target.password, as the Connect workers see it (the connector configs reference it through Connect's file config provider). Required with --connect-url; embedded mode: written by warp under ~/.warp from the URLs' passwords.")
    String secretsFile;

    @Option(names = "--progress-schema", paramLabel = "SCHEMA", description = "Target schema of the sink's progress tables (default: " + MigrationSettings.DEFAULT_PROGRESS_SCHEMA + ").")
    String progressSchema;

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    private boolean resolved;
    private PgEndpoint sourceEndpoint;
    private PgEndpoint targetEndpoint;

    static final String DEFAULT_NAME = "migration";
    public static final String SOURCE_PASSWORD_ENV = "WARP_SOURCE_PASSWORD";
    public static final String TARGET_PASSWORD_ENV = "WARP_TARGET_PASSWORD";
    /** Environment lookups, replaceable in tests. */
    java.util.function.UnaryOperator<String> env = System::getenv;
    static final String DEFAULT_PROGRESS_SCHEMA = io.citus.warp.common.SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA;

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
            String kc = p.getProperty("kafka-config");
            kafkaConfig = kafkaConfig != null || kc == null ? kafkaConfig : Path.of(kc);
            secretsFile = pick(secretsFile, p, "secrets-file");
            connectSource = pick(connectSource, p, "connect-source");
            connectTarget = pick(connectTarget, p, "connect-target");
            progressSchema = pick(progressSchema, p, "progress-schema");
            String spf = p.getProperty("source-password-file");
            String tpf = p.getProperty("target-password-file");
            sourcePasswordFile = sourcePasswordFile != null || spf == null ? sourcePasswordFile : Path.of(spf);
            targetPasswordFile = targetPasswordFile != null || tpf == null ? targetPasswordFile : Path.of(tpf);
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

    /** The source with its password (read once: a password file is read, a prompt answered, only the first time). */
    public PgEndpoint sourceEndpoint() {
        resolve();
        if (source == null) {
            throw new ParameterException(spec.commandLine(), "--source is required (or source= in --config)");
        }
        if (sourceEndpoint == null) {
            sourceEndpoint = withPassword(parseEndpoint(source, "--source"), sourcePasswordFile, SOURCE_PASSWORD_ENV,
                    sourcePasswordPrompt, "--source-password-file");
        }
        return sourceEndpoint;
    }

    /** The target with its password (read once). */
    public PgEndpoint targetEndpoint() {
        resolve();
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "--target is required (or target= in --config)");
        }
        if (targetEndpoint == null) {
            targetEndpoint = withPassword(parseEndpoint(target, "--target"), targetPasswordFile, TARGET_PASSWORD_ENV,
                    targetPasswordPrompt, "--target-password-file");
        }
        return targetEndpoint;
    }

    /**
     * {@code warpView} as the Connect workers reach it: --connect-source / --connect-target when given (their password is
     * never used: the connectors read it from the secrets file), else the same endpoint.
     */
    private PgEndpoint forConnectWorkers(PgEndpoint warpView, boolean sourceSide) {
        resolve();
        String url = sourceSide ? connectSource : connectTarget;
        if (url == null) {
            return warpView;
        }
        PgEndpoint e = parseEndpoint(url, sourceSide ? "--connect-source" : "--connect-target");
        return new PgEndpoint(e.host(), e.port(), e.database(), e.user(), warpView.password(), e.parameters());
    }

    /** The password, when the URL has none: file, then this side's environment variable, then prompt, then PGPASSWORD. */
    private PgEndpoint withPassword(PgEndpoint e, Path file, String envVar, char[] prompted, String fileOption) {
        if (e.password() != null) {
            return e;
        }
        if (file != null) {
            try {
                String first = Files.readAllLines(file).stream().findFirst().orElse("");
                return e.withPassword(first);
            } catch (IOException ex) {
                throw new ParameterException(spec.commandLine(), "cannot read " + fileOption + " " + file + ": " + ex.getClass().getSimpleName());
            }
        }
        String fromEnv = env.apply(envVar);
        if (fromEnv != null) {
            return e.withPassword(fromEnv);
        }
        if (prompted != null) {
            return e.withPassword(new String(prompted));
        }
        String pg = env.apply("PGPASSWORD");
        return e.withPassword(pg == null ? "" : pg);
    }

    private PgEndpoint parseEndpoint(String url, String option) {
        try {
            return PgEndpoint.parseUrl(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /**
     * The migration these options describe: endpoints with their passwords (as warp and as the Connect workers reach
     * them), names, progress schema, and the tables, resolved once here (--tables, else those warp start recorded on the
     * target, else every user table of the source).
     */
    public MigrationPlan plan() throws java.sql.SQLException {
        PgEndpoint source = sourceEndpoint();
        PgEndpoint target = targetEndpoint();
        return new MigrationPlan(names(), source, target, forConnectWorkers(source, true), forConnectWorkers(target, false),
                secretsFile(), progressSchema(), Tables.resolve(explicitTables(), source, target, names(), progressSchema()));
    }

    /** The tables given with --tables; empty means "discover all on the source". */
    private List<TableName> explicitTables() {
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

    /** A client of the Connect cluster at --connect-url; null without one (embedded mode, or not given). */
    public ConnectClient connectClient() {
        return connectUrl() == null ? null : new ConnectClient(URI.create(connectUrl()));
    }

    /** --bootstrap-servers, else the --kafka-config file's bootstrap.servers, else null. */
    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** warp's own Kafka clients: the bootstrap servers with the --kafka-config properties. */
    public io.citus.warp.runtime.KafkaClients kafka() {
        resolve();
        try {
            return io.citus.warp.runtime.KafkaClients.of(bootstrapServers, kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config: " + e.getMessage());
        }
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
}
