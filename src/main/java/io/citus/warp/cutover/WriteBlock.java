package io.citus.warp.cutover;

import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Stops new writes on the source database, reversibly: {@code ALTER DATABASE ... SET default_transaction_read_only = on}
 * makes every new session read-only, and (optionally) the existing client sessions of that database are
 * terminated so that they reconnect read-only. Replication connections are not affected.
 * A superuser can still {@code SET default_transaction_read_only = off}: this guards against the application,
 * not against a determined administrator.
 */
public final class WriteBlock {
    private WriteBlock() {
    }

    public static String undoStatement(String database) {
        return "ALTER DATABASE " + Sql.ident(database) + " RESET default_transaction_read_only";
    }

    /** Blocks writes; returns the number of sessions terminated. */
    public static int block(Connection c, String database, boolean terminateSessions) throws SQLException {
        Sql.exec(c, "ALTER DATABASE " + Sql.ident(database) + " SET default_transaction_read_only = on");
        if (!terminateSessions) {
            return 0;
        }
        String n = Sql.one(c, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ?"
                + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                + " AND coalesce(application_name, '') NOT LIKE 'Debezium%' AND coalesce(application_name, '') <> 'warp'", database);
        return n == null ? 0 : Integer.parseInt(n);
    }

    /** Waits until no transaction of this database holds a transaction id (in-flight writes have ended). */
    public static boolean awaitNoWriters(Connection c, String database, long timeoutMs) throws SQLException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String n = Sql.one(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                    + " AND backend_xid IS NOT NULL AND backend_type = 'client backend'", database);
            if ("0".equals(n)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    public static void unblock(Connection c, String database) throws SQLException {
        Sql.exec(c, undoStatement(database));
    }
}
