package io.citus.warp.sink.errors;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.SQLRecoverableException;

/**
 * Sorts database errors into those worth retrying (the same work will likely succeed later) and those
 * that need a person to fix something first.
 */
public enum ErrorKind {
    /** Connection lost, coordinator or node restarting, serialization failure, deadlock, lock timeout. */
    TRANSIENT,
    /** Missing table or column, type mismatch, constraint violation, bad value: retrying cannot help. */
    PERMANENT;

    public static ErrorKind of(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return TRANSIENT;
            }
            if (t instanceof SQLException sql && isTransientState(sql.getSQLState(), sql.getMessage())) {
                return TRANSIENT;
            }
        }
        return PERMANENT;
    }

    static boolean isTransientState(String state, String message) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08")              // connection exceptions
                || state.equals("40001")           // serialization_failure
                || state.equals("40P01")           // deadlock_detected
                || state.equals("55P03")           // lock_not_available
                || state.equals("57P01")           // admin_shutdown (node restarting)
                || state.equals("57P02")           // crash_shutdown
                || state.equals("57P03")           // cannot_connect_now (starting up, recovery)
                || state.equals("53300")           // too_many_connections
                || state.equals("57014")           // query_canceled (statement_timeout, pg_cancel_backend)
                || state.equals("25006")           // read_only_sql_transaction (failover to a standby being promoted)
                || state.equals("58000") && message != null && message.contains("connection") // Citus: node connection failures
                || state.equals("XX000") && message != null && message.contains("connection to the remote node");
    }
}
