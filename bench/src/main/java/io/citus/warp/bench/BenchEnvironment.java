package io.citus.warp.bench;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.embedded.Closeables;
import io.citus.warp.embedded.ConnectWorker;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.embedded.KafkaBroker;
import io.citus.warp.embedded.LocalPostgres;
import io.citus.warp.embedded.SchemaRegistryProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything the benchmark runs against, started in this JVM as the tests do: a source PostgreSQL
 * (wal_level=logical), a target server, a KRaft Kafka broker and a distributed Connect worker whose
 * plugin.path holds Debezium's PostgreSQL source, our Citus sink and Debezium's JDBC sink.
 *
 * <p>The target is an embedded PostgreSQL unless {@code -Dwarp.bench.citus.url=jdbc:postgresql://host:port/db}
 * names an external server (a Citus coordinator, say; user and password from the URL's parameters or
 * {@code -Dwarp.bench.citus.user/-Dwarp.bench.citus.password}). The harness creates its own databases there, and,
 * with {@code -Dwarp.bench.citus.workers=host:port,...}, on the workers too, adding them to each database.
 */
public final class BenchEnvironment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BenchEnvironment.class);
    public static final String CITUS_URL_PROPERTY = "warp.bench.citus.url";
    /** The cluster's worker nodes, host:port,...: each database the harness creates is created there too and added. */
    public static final String CITUS_WORKERS_PROPERTY = "warp.bench.citus.workers";
    /** The Connect cluster (group.id) of the in-process worker and of every extra worker. */
    static final String CONNECT_GROUP = "warp-bench-connect";

    private final Path workDir;
    private final Path pluginPath;
    private final Path secretsFile;
    private LocalPostgres source;
    private LocalPostgres embeddedTarget;
    private Server target;
    private KafkaBroker kafka;
    private ConnectWorker worker;
    private ConnectClient connect;
    private SchemaRegistryProcess schemaRegistry;

    /** A PostgreSQL server the harness creates databases on. */
    public record Server(String host, int port, String user, String password, String maintenanceDatabase) {
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        public Connection connect(String database) throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", user);
            if (password != null) {
                p.setProperty("password", password);
            }
            return DriverManager.getConnection(jdbcUrl(database), p);
        }

        /** Creates a fresh database (dropping any of the same name). */
        public String createDatabase(String name) throws SQLException {
            try (Connection c = connect(maintenanceDatabase); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                s.execute("CREATE DATABASE \"" + name + "\"");
            }
            return name;
        }

        public String version() throws SQLException {
            try (Connection c = connect(maintenanceDatabase); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version(), (SELECT extversion FROM pg_extension WHERE extname = 'citus')")) {
                rs.next();
                return rs.getString(1) + (rs.getString(2) == null ? "" : " with Citus " + rs.getString(2));
            }
        }
    }

    private BenchEnvironment(Path pluginPath) throws IOException {
        this.workDir = Files.createTempDirectory("warp-bench");
        this.pluginPath = pluginPath;
        this.secretsFile = workDir.resolve("warp-secrets.properties");
    }

    public static BenchEnvironment start() {
        BenchEnvironment env;
        try {
            env = new BenchEnvironment(pluginPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            env.startServers();
            return env;
        } catch (RuntimeException | IOException e) {
            env.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private void startServers() throws IOException {
        long t0 = System.nanoTime();
        kafka = KafkaBroker.start(workDir);
        source = LocalPostgres.start();
        String citusUrl = System.getProperty(CITUS_URL_PROPERTY, "");
        if (citusUrl.isBlank()) {
            embeddedTarget = LocalPostgres.start();
            target = new Server(embeddedTarget.host(), embeddedTarget.port(), embeddedTarget.user(), null, "postgres");
        } else {
            target = external(citusUrl);
        }
        // The shipped configs read passwords from a secrets file through Connect's file config provider.
        Files.writeString(secretsFile, "source.password=unused\ntarget.password="
                + (target.password() == null ? "unused" : target.password()) + "\n");
        // Plugins are found through their ServiceLoader manifests instead of a scan of every class in every jar
        // (the JDBC sink ships drivers for five databases and Hibernate): the worker starts in seconds, not a minute.
        worker = ConnectWorker.start(kafka.bootstrapServers(), pluginPath, CONNECT_GROUP, Map.of("plugin.discovery", "service_load"));
        connect = new ConnectClient(worker.restUrl());
        LOG.info("benchmark environment up in {} ms: source :{}, target {}:{}, kafka {}, connect {}",
                (System.nanoTime() - t0) / 1_000_000, source.port(), target.host(), target.port(),
                kafka.bootstrapServers(), connect.baseUrl());
    }

    private static Server external(String url) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("-D" + CITUS_URL_PROPERTY + " must be jdbc:postgresql://host:port/database, not " + url);
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getQuery() != null) {
            for (String kv : uri.getQuery().split("&")) {
                int eq = kv.indexOf('=');
                params.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
            }
        }
        String user = System.getProperty("warp.bench.citus.user", params.getOrDefault("user", "postgres"));
        String password = System.getProperty("warp.bench.citus.password", params.get("password"));
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, database);
    }

    /** The unpacked plugins: -Dwarp.plugin.path, else bench/target/plugins or target/plugins under the working directory. */
    static Path pluginPath() {
        String configured = System.getProperty("warp.plugin.path");
        Path[] candidates = configured != null ? new Path[] {Paths.get(configured)}
                : new Path[] {Paths.get("bench/target/plugins"), Paths.get("target/plugins")};
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("citus-warp-sink")) && Files.isDirectory(p.resolve("debezium-connector-postgres"))
                    && Files.isDirectory(p.resolve("debezium-connector-jdbc"))) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("the three Connect plugins are not unpacked in " + String.join(" or ",
                java.util.Arrays.stream(candidates).map(p -> p.toAbsolutePath().toString()).toList())
                + "; build with `mvn -pl bench -am package -DskipTests` (it unpacks them into bench/target/plugins)");
    }

    public LocalPostgres source() {
        return source;
    }

    public Server sourceServer() {
        return new Server(source.host(), source.port(), source.user(), null, "postgres");
    }

    public Server target() {
        return target;
    }

    /**
     * Creates a fresh target database with the benchmark's tables. On a server with the citus extension
     * (an external coordinator) the database gets the extension and its tables are distributed as a
     * Citus user would: the account-like and history tables by their keys, branches and tellers as
     * reference tables. A coordinator without workers keeps the shards itself.
     */
    public String createTargetDatabase(String name) throws SQLException {
        String db = target.createDatabase(name);
        try (Connection c = target.connect(db); Statement s = c.createStatement()) {
            boolean citus = !embeddedTarget() && citusAvailable(c);
            if (citus) {
                s.execute("CREATE EXTENSION IF NOT EXISTS citus");
                // Citus keeps its metadata per database: a new database has no workers until they are added.
                for (Server worker : workers()) {
                    worker.createDatabase(name);
                    try (Connection w = worker.connect(db); Statement ws = w.createStatement()) {
                        ws.execute("CREATE EXTENSION IF NOT EXISTS citus");
                    }
                    try (java.sql.PreparedStatement add = c.prepareStatement("SELECT citus_add_node(?, ?)")) {
                        add.setString(1, worker.host());
                        add.setInt(2, worker.port());
                        add.execute();
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_dist_node")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        // A coordinator alone: it holds the shards itself.
                        s.execute("SELECT citus_set_coordinator_host('" + target.host() + "', " + target.port() + ")");
                        s.execute("SELECT citus_set_node_property('" + target.host() + "', " + target.port()
                                + ", 'shouldhaveshards', true)");
                    }
                }
            }
            BenchSchema.create(c);
            if (citus) {
                BenchSchema.distribute(c);
            }
        }
        return db;
    }

    /** The worker nodes of -Dwarp.bench.citus.workers (same user and password as the coordinator). */
    private List<Server> workers() {
        List<Server> out = new java.util.ArrayList<>();
        for (String hostPort : System.getProperty(CITUS_WORKERS_PROPERTY, "").split(",")) {
            if (!hostPort.isBlank()) {
                int colon = hostPort.lastIndexOf(':');
                out.add(new Server(hostPort.substring(0, colon).trim(), Integer.parseInt(hostPort.substring(colon + 1).trim()),
                        target.user(), target.password(), "postgres"));
            }
        }
        return out;
    }

    private static boolean citusAvailable(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'citus'")) {
            return rs.next();
        }
    }

    public boolean embeddedTarget() {
        return embeddedTarget != null;
    }

    public ConnectClient connect() {
        return connect;
    }

    /**
     * A further worker of this Connect cluster in its own JVM (as {@code connect-distributed.sh} starts one, Kafka's jars from
     * kafka-libs), for a cluster of two or more workers. The caller closes it.
     */
    public ConnectWorkerProcess startExtraWorker() {
        return ConnectWorkerProcess.start(ConnectWorkerProcess.kafkaLibs(), kafka.bootstrapServers(), pluginPath, CONNECT_GROUP,
                Map.of(), workDir.resolve("connect-" + System.nanoTime()));
    }

    /** The in-process worker's id as Connect's status reports it (host:port of its REST listener). */
    public String workerId() {
        return connect.baseUrl().getHost() + ":" + connect.baseUrl().getPort();
    }

    public Path secretsFile() {
        return secretsFile;
    }

    /** The Apicurio Registry of the Avro wire format, in its own JVM, started on first use. */
    public synchronized SchemaRegistryProcess schemaRegistry() {
        if (schemaRegistry == null) {
            schemaRegistry = SchemaRegistryProcess.start(workDir.resolve("schema-registry"));
        }
        return schemaRegistry;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        Closeables.closeAll(worker, schemaRegistry, kafka, source, embeddedTarget);
    }
}
