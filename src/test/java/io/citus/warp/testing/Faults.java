package io.citus.warp.testing;

import io.citus.warp.embedded.LocalPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Faults a test can inject on one machine, through {@link TestEnvironment}'s public surface and SQL only,
 * so that they work whether the Connect worker runs in the test JVM or in its own.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    private Faults() {
    }

    /**
     * The equivalent of an immediate-mode restart: one backend is killed with SIGKILL, so the postmaster
     * ends every session without a clean shutdown, reinitialises shared memory and replays WAL (crash
     * recovery), on the same port. Returns when the server accepts connections again.
     */
    public static void crashRestart(LocalPostgres server) throws SQLException, InterruptedException {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long pid = rs.getLong(1);
            ProcessHandle backend = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
            if (!backend.destroyForcibly()) {
                throw new IllegalStateException("could not SIGKILL backend " + pid);
            }
        } catch (SQLException expected) {
            // the session itself was killed
        }
        awaitAccepting(server, Duration.ofSeconds(60));
    }

    private static void awaitAccepting(LocalPostgres server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread.sleep(200);
        while (true) {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL on port " + server.port() + " did not come back", e);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Terminates the sink's target session ({@code application_name = 'citus-warp-sink'}), preferably
     * while it runs COMMIT: the session is polled for up to {@code window} and terminated as soon as it is
     * seen committing, otherwise wherever it is at the end of the window.
     *
     * @return whether the session was caught in COMMIT
     */
    public static boolean cutSinkConnection(Connection admin, String database, Duration window) throws SQLException {
        long deadline = System.nanoTime() + window.toNanos();
        try (PreparedStatement ps = admin.prepareStatement("SELECT pid, state = 'active' AND query ILIKE 'COMMIT%' FROM "
                + "pg_stat_activity WHERE application_name = 'citus-warp-sink' AND datname = ?");
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setString(1, database);
            Long last = null;
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        if (rs.getBoolean(2)) {
                            kill.setInt(1, (int) (long) last);
                            kill.execute();
                            return true;
                        }
                    }
                }
            }
            if (last != null) {
                kill.setInt(1, (int) (long) last);
                kill.execute();
            } else {
                LOG.warn("no sink session on {} to terminate", database);
            }
            return false;
        }
    }
}
