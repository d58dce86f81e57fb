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

    /** The advisory lock key of the commit gate (two int halves: classid 0, objid this). */
    static final int COMMIT_GATE_KEY = 0x57415250;

    /**
     * Installs a commit gate on the target: a deferred constraint trigger on the sink's progress table (rows of
     * {@code stream} only) that takes a shared advisory lock. Deferred triggers run inside COMMIT, before the
     * transaction commits, so while a test holds the lock exclusively ({@link #cutSinkConnectionInCommit}) the
     * sink's next COMMIT waits there; otherwise the lock is free and costs nothing. On Citus the progress table
     * is a reference table: the trigger is created on its placements ({@code citus.enable_unsafe_triggers}),
     * including the coordinator's, which the sink's own session writes by local execution.
     */
    public static void installCommitGate(Connection target, String stream, String name) throws SQLException {
        String quotedStream = "'" + stream.replace("'", "''") + "'";
        try (Statement s = target.createStatement()) {
            // A custom placeholder on plain PostgreSQL, the switch that allows triggers on Citus tables otherwise.
            s.execute("SET citus.enable_unsafe_triggers TO on");
            s.execute("CREATE FUNCTION warp." + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "PERFORM pg_advisory_xact_lock_shared(0, " + COMMIT_GATE_KEY + "); RETURN NULL; END $$");
            s.execute("CREATE CONSTRAINT TRIGGER " + name + " AFTER INSERT OR UPDATE ON warp.sink_progress "
                    + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.stream = " + quotedStream + ") "
                    + "EXECUTE FUNCTION warp." + name + "()");
        }
    }

    /** Removes what {@link #installCommitGate} installed. */
    public static void removeCommitGate(Connection target, String name) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SET citus.enable_unsafe_triggers TO on");
            s.execute("DROP TRIGGER IF EXISTS " + name + " ON warp.sink_progress");
            s.execute("DROP FUNCTION IF EXISTS warp." + name + "()");
        }
    }

    /**
     * Cuts the sink's target session inside COMMIT for sure: closes the commit gate ({@link #installCommitGate})
     * by holding its lock, waits until the sink's session ({@code application_name = 'citus-warp-sink'}) waits
     * for it in COMMIT, terminates that session and waits for it to end, then opens the gate. {@code admin} must be
     * connected to the target database (advisory locks are per database).
     *
     * @return a note naming where the session was cut
     */
    public static String cutSinkConnectionInCommit(Connection admin, String database, Duration timeout)
            throws SQLException, InterruptedException {
        try (Statement s = admin.createStatement()) {
            s.execute("SELECT pg_advisory_lock(0, " + COMMIT_GATE_KEY + ")");
        }
        try (PreparedStatement waiting = admin.prepareStatement("SELECT a.pid, a.query FROM pg_stat_activity a "
                + "JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND NOT l.granted AND l.classid::bigint = 0 AND l.objid::bigint = ? "
                + "WHERE a.application_name = 'citus-warp-sink' AND a.datname = ?");
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?, 30000)")) {
            waiting.setLong(1, COMMIT_GATE_KEY);
            waiting.setString(2, database);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = waiting.executeQuery()) {
                    if (rs.next()) {
                        int pid = rs.getInt(1);
                        String query = rs.getString(2);
                        if (!query.trim().toUpperCase(java.util.Locale.ROOT).startsWith("COMMIT")) {
                            throw new IllegalStateException("the sink's session waits on the commit gate outside COMMIT, in: " + query);
                        }
                        kill.setInt(1, pid);
                        try (ResultSet k = kill.executeQuery()) {
                            if (!k.next() || !k.getBoolean(1)) {
                                throw new IllegalStateException("the sink's session " + pid + " waiting in COMMIT did not end");
                            }
                        }
                        return "cut in COMMIT (pid " + pid + " held at the commit gate, terminated)";
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("the sink did not reach COMMIT within " + timeout + " while the commit gate was closed");
        } finally {
            try (Statement s = admin.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(0, " + COMMIT_GATE_KEY + ")");
            }
        }
    }
}
