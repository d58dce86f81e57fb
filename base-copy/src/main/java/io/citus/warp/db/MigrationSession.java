package io.citus.warp.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The settings of every session that reads or writes whole tables for the migration (the base copy's streams and
 * verify, on both sides). A database or role may carry settings meant for the application that break such a session:
 * {@code statement_timeout} or {@code lock_timeout} kill a long COPY or checksum, {@code idle_in_transaction_session_timeout}
 * kills a copy stream idling in its snapshot's transaction between ranges (and every rerun fails the same way), and
 * row-level security makes a read return only the rows a policy lets the role see — silently. So the timeouts are off,
 * and {@code row_security = off} makes a read that a policy would filter fail instead (PostgreSQL raises an error;
 * superusers, BYPASSRLS roles and owners of tables without FORCE ROW LEVEL SECURITY read every row).
 */
public final class MigrationSession {
    private MigrationSession() {
    }

    /** The settings as {@code SET}s, for a regular connection. */
    public static void prepare(Connection c) throws SQLException {
        Sql.exec(c, "SET row_security = off");
        for (String setting : timeouts(Integer.parseInt(Sql.one(c, "SHOW server_version_num")))) {
            Sql.exec(c, "SET " + setting + " = 0");
        }
    }

    /**
     * The timeouts as startup options ({@code options=-c name=0 ...}), for a connection that cannot run {@code SET} before
     * its first command (a replication connection creating a slot with an exported snapshot).
     */
    public static String startupOptions(int serverVersionNum) {
        StringBuilder s = new StringBuilder();
        for (String setting : timeouts(serverVersionNum)) {
            s.append(s.length() == 0 ? "" : " ").append("-c ").append(setting).append("=0");
        }
        return s.toString();
    }

    private static String[] timeouts(int serverVersionNum) {
        return serverVersionNum >= 140000
                ? new String[] {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout"}
                : new String[] {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"};
    }
}
