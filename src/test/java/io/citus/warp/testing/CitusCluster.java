package io.citus.warp.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Citus cluster for tests: either an external coordinator named by {@code WARP_CITUS_URL}
 * (a JDBC URL, e.g. {@code jdbc:postgresql://host:5432/postgres?user=postgres}), or a coordinator and
 * two workers started here from a locally installed PostgreSQL whose lib directory has {@code citus.so}
 * (found via {@code pg_config --pkglibdir} and {@code /usr/lib/postgresql/<n>/}). Nothing is bundled:
 * without either, {@link #detect()} says what is missing and Citus tests skip.
 *
 * <p>One cluster per test JVM; tests isolate themselves by schema in the cluster's one database.
 */
public final class CitusCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CitusCluster.class);
    public static final String URL_ENV = "WARP_CITUS_URL";
    private static final String OS_USER = "postgres";
    private static final String[] NODES = {"coordinator", "worker1", "worker2"};

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Path dataRoot;
    private final Path binDir;

    private CitusCluster(String host, int port, String database, String user, String password, Path binDir, Path dataRoot) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.binDir = binDir;
        this.dataRoot = dataRoot;
    }

    /** Where a cluster could come from, or why none can. */
    public record Availability(Optional<String> externalUrl, Optional<Path> binDir, String missing) {
        public boolean available() {
            return externalUrl.isPresent() || binDir.isPresent();
        }
    }

    public static Availability detect() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return new Availability(Optional.of(url), Optional.empty(), "");
        }
        List<Path> libDirs = new ArrayList<>();
        pgConfigPkgLibDir().ifPresent(libDirs::add);
        try (Stream<Path> versions = Files.list(Paths.get("/usr/lib/postgresql"))) {
            versions.sorted(Comparator.reverseOrder()).forEach(v -> libDirs.add(v.resolve("lib")));
        } catch (IOException | RuntimeException e) {
            // no Debian-style PostgreSQL installation
        }
        StringBuilder looked = new StringBuilder();
        for (Path lib : libDirs) {
            looked.append(looked.length() == 0 ? "" : ", ").append(lib);
            if (!Files.exists(lib.resolve("citus.so"))) {
                continue;
            }
            Path bin = lib.resolveSibling("bin");
            if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                    && Files.isExecutable(bin.resolve("postgres"))) {
                return new Availability(Optional.empty(), Optional.of(bin), "");
            }
            looked.append(" (citus.so, but no initdb/pg_ctl/postgres in ").append(bin).append(')');
        }
        return new Availability(Optional.empty(), Optional.empty(), "no Citus: set " + URL_ENV + " to a coordinator's JDBC URL, "
                + "or install the citus extension into a local PostgreSQL (looked for citus.so in: "
                + (looked.length() == 0 ? "nothing found" : looked) + ")");
    }

    private static Optional<Path> pgConfigPkgLibDir() {
        try {
            Process p = new ProcessBuilder("pg_config", "--pkglibdir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(Paths.get(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Connects to the external coordinator or starts a local cluster. */
    public static CitusCluster start(Availability availability) {
        if (availability.externalUrl().isPresent()) {
            return external(availability.externalUrl().get());
        }
        return local(availability.binDir().orElseThrow(() -> new IllegalStateException(availability.missing())));
    }

    private static CitusCluster external(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String user = OS_USER;
        String password = "";
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv[0].equals("user")) {
                    user = kv[1];
                } else if (kv[0].equals("password")) {
                    password = kv[1];
                }
            }
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        CitusCluster cluster = new CitusCluster(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password, null, null);
        try (Connection c = cluster.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND isactive")) {
            rs.next();
            LOG.info("using external Citus coordinator {} ({} primary nodes)", jdbcUrl.replaceAll("password=[^&]*", "password=***"),
                    rs.getInt(1));
        } catch (SQLException e) {
            throw new IllegalStateException(URL_ENV + "=" + jdbcUrl + " is not a reachable Citus coordinator: " + e.getMessage(), e);
        }
        return cluster;
    }

    /**
     * initdb + start a coordinator and two workers as the unprivileged {@code postgres} OS user (initdb
     * refuses root), with citus preloaded, logical WAL (so they could be a source too), prepared
     * transactions (Citus 2PC) and trust authentication on 127.0.0.1; then create the extension on every
     * node and register the workers.
     */
    private static CitusCluster local(Path bin) {
        long t0 = System.nanoTime();
        Path root;
        try {
            root = Files.createTempDirectory("warp-citus");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = {freePort(), freePort(), freePort()};
        CitusCluster cluster = new CitusCluster("127.0.0.1", ports[0], "postgres", OS_USER, "", bin, root);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "citus-cluster-stop"));
        try {
            chownToPostgres(root);
            List<Process> initdbs = new ArrayList<>();
            for (String node : NODES) {
                initdbs.add(cluster.asPostgres(bin.resolve("initdb").toString(), "-D", root.resolve(node).toString(), "-U", OS_USER,
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync").start());
            }
            for (int i = 0; i < NODES.length; i++) {
                await(initdbs.get(i), "initdb " + NODES[i]);
                Path data = root.resolve(NODES[i]);
                Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                        "", "port = " + ports[i], "listen_addresses = '127.0.0.1'", "unix_socket_directories = '" + root + "'",
                        "shared_preload_libraries = 'citus'", "wal_level = logical", "max_replication_slots = 16",
                        "max_wal_senders = 16", "max_prepared_transactions = 100", "max_connections = 200",
                        "fsync = off", "synchronous_commit = off", "full_page_writes = off",
                        "citus.enable_statistics_collection = off", ""), java.nio.file.StandardOpenOption.APPEND);
                Files.writeString(data.resolve("pg_hba.conf"), "\nhost all all 127.0.0.1/32 trust\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            List<Process> starts = new ArrayList<>();
            for (String node : NODES) {
                starts.add(cluster.asPostgres(bin.resolve("pg_ctl").toString(), "-D", root.resolve(node).toString(),
                        "-l", root.resolve(node + ".log").toString(), "-w", "-t", "60", "start").start());
            }
            cluster.started = true;
            for (int i = 0; i < NODES.length; i++) {
                await(starts.get(i), "pg_ctl start " + NODES[i] + " (log: " + root.resolve(NODES[i] + ".log") + ")");
            }
            for (int p : ports) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + p + "/postgres", OS_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION citus");
                }
            }
            try (Connection c = cluster.connect()) {
                call(c, "SELECT citus_set_coordinator_host(?, ?)", "127.0.0.1", ports[0]);
                call(c, "SELECT citus_add_node(?, ?)", "127.0.0.1", ports[1]);
                call(c, "SELECT citus_add_node(?, ?)", "127.0.0.1", ports[2]);
            }
            LOG.info("Citus cluster up in {} ms: coordinator 127.0.0.1:{}, workers :{} :{} (binaries {}, data {})",
                    (System.nanoTime() - t0) / 1_000_000, ports[0], ports[1], ports[2], bin, root);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("could not start a local Citus cluster from " + bin, e);
        } catch (SQLException e) {
            cluster.close();
            throw new IllegalStateException("could not set up the local Citus cluster: " + e.getMessage(), e);
        }
    }

    private volatile boolean started;

    private static void call(Connection c, String sql, String hostArg, int portArg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hostArg);
            ps.setInt(2, portArg);
            ps.execute();
        }
    }

    /** initdb and postgres refuse to run as root: run them as the postgres OS user then. */
    private ProcessBuilder asPostgres(String... command) {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownToPostgres(Path root) throws IOException {
        if (isRoot()) {
            try {
                Process p = new ProcessBuilder("chown", OS_USER + ":" + OS_USER, root.toString()).redirectErrorStream(true).start();
                await(p, "chown " + root);
            } catch (IOException e) {
                throw new IOException("running as root, the data directory must belong to the " + OS_USER + " OS user", e);
            }
        }
    }

    private static void await(Process p, String what) throws IOException {
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(what + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The coordinator as an endpoint for warp's own code (the base copy). */
    public io.citus.warp.db.PgEndpoint endpoint() {
        return new io.citus.warp.db.PgEndpoint(host, port, database, user, password == null ? "" : password, java.util.Map.of());
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** A fresh schema for one test (dropped first if left over), created on all nodes by Citus's DDL propagation. */
    public String createSchema(String name) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String quoted = '"' + name.replace("\"", "\"\"") + '"';
            s.execute("DROP SCHEMA IF EXISTS " + quoted + " CASCADE");
            s.execute("CREATE SCHEMA " + quoted);
        }
        return name;
    }

    /** Whether {@link #restartImmediate} can restart nodes (a cluster started here, not an external one). */
    public boolean canRestartNodes() {
        return binDir != null;
    }

    /**
     * {@code pg_ctl restart -m immediate} of one node (0 = the coordinator, 1 and 2 = the workers): every session
     * ends without a clean shutdown and the node replays WAL on the same port; returns when it accepts connections.
     */
    public void restartImmediate(int node) throws IOException {
        if (!canRestartNodes()) {
            throw new IllegalStateException("only a Citus cluster started by the tests can restart its nodes");
        }
        await(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataRoot.resolve(NODES[node]).toString(),
                "-l", dataRoot.resolve(NODES[node] + ".log").toString(), "-m", "immediate", "-w", "-t", "60", "restart").start(),
                "pg_ctl restart -m immediate " + NODES[node]);
    }

    @Override
    public synchronized void close() {
        if (binDir == null || !started) {
            return; // external, or never started
        }
        started = false;
        List<Process> stops = new ArrayList<>();
        for (String node : NODES) {
            try {
                stops.add(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataRoot.resolve(node).toString(),
                        "-m", "immediate", "-w", "stop").start());
            } catch (IOException e) {
                LOG.warn("could not stop Citus node {}", node, e);
            }
        }
        for (Process p : stops) {
            try {
                await(p, "pg_ctl stop");
            } catch (IOException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(dataRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove {}", dataRoot, e);
        }
    }
}
