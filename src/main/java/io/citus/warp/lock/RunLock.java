package io.citus.warp.lock;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * One warp run at a time per migration. {@code start}, {@code migrate}, {@code cutover} and {@code finish} hold a
 * session-level advisory lock on the source database, keyed by the migration's replication slot, for as long as they
 * run; a second run of any of them for the same migration is refused with a message naming the holder. Without it, a
 * second {@code start} removed the first's connector, dropped its slot and emptied tables under its copy, {@code cutover}
 * could fence the source while a copy was still running, and {@code finish} could drop the slot under a cutover.
 * <p>
 * The lock belongs to a database session: it ends with the process that holds it, also when that process is killed
 * ({@code kill -9}: its connection closes and the server ends the session). The session is named (application_name)
 * after the command, host and process, so the refusal can say who holds it; a holder whose machine died stays until the
 * server notices the dead connection (TCP keepalive), and the message says how to end it at once.
 */
public final class RunLock implements AutoCloseable {
    /** The first key of warp's advisory locks ('warp'); the second is {@code hashtext(slot)}. */
    static final int CLASS_ID = 0x77617270;

    /** Another run of the same migration holds the lock. */
    public static final class Held extends RuntimeException {
        Held(String message) {
            super(message);
        }
    }

    /** Who holds a migration's lock. */
    public record Holder(int pid, String application, String client, String since) {
        String describe() {
            return "'" + application + "' (source session pid " + pid + (client.isEmpty() ? "" : ", from " + client) + ", since "
                    + since + ")";
        }
    }

    private final PgEndpoint source;
    private final String slot;
    private final String command;
    private Connection session;

    private RunLock(PgEndpoint source, String slot, String command) {
        this.source = source;
        this.slot = slot;
        this.command = command;
    }

    /**
     * Takes the migration's lock for this run of {@code command}.
     *
     * @throws Held when another run holds it
     */
    public static RunLock acquire(PgEndpoint source, String slot, String command) throws SQLException {
        RunLock lock = new RunLock(source, slot, command);
        lock.take();
        return lock;
    }

    private void take() throws SQLException {
        Connection c = source.connect();
        try {
            String name = "warp " + command + " (" + slot + ") pid " + ProcessHandle.current().pid() + " on " + host();
            Sql.one(c, "SELECT set_config('application_name', ?, false)", name.length() > 63 ? name.substring(0, 63) : name);
            if (Integer.parseInt(Sql.one(c, "SHOW server_version_num")) >= 140000) {
                // The session idles for the whole run: a server-wide idle_session_timeout must not end it (and the lock).
                Sql.exec(c, "SET idle_session_timeout = 0");
            }
            if (!"t".equals(Sql.one(c, "SELECT pg_try_advisory_lock(?, hashtext(?))", CLASS_ID, slot))) {
                Optional<Holder> holder = holder(c, slot);
                throw new Held("another warp run of this migration (slot " + slot + ") is in progress: "
                        + holder.map(Holder::describe).orElse("it ended just now; run the command again")
                        + ". Nothing was changed. Wait until it has ended, or stop it; if its process is gone (its machine died),"
                        + " end its session on the source first: SELECT pg_terminate_backend(" + holder.map(Holder::pid).orElse(0) + ");");
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        session = c;
    }

    /** Who holds the migration's lock on the source now, if anyone. */
    public static Optional<Holder> holder(Connection c, String slot) throws SQLException {
        List<String[]> rows = Sql.rows(c, "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),"
                + " date_trunc('second', a.backend_start)::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::int4::oid AND l.objid = hashtext(?)::oid"
                + " AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())", CLASS_ID, slot);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String[] r = rows.get(0);
        return Optional.of(new Holder(Integer.parseInt(r[0]), r[1], r[2], r[3]));
    }

    @Override
    public void close() {
        if (session != null) {
            try {
                session.close(); // ends the session and with it the lock
            } catch (SQLException ignored) {
                // the session is gone, and the lock with it
            }
            session = null;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown host";
        }
    }
}
