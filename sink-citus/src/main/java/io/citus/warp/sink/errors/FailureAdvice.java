package io.citus.warp.sink.errors;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** Turns a PostgreSQL error into a sentence a DBA can act on. */
public final class FailureAdvice {
    private FailureAdvice() {
    }

    /** The column PostgreSQL blames, when it says. */
    public static String column(SQLException e) {
        ServerErrorMessage server = server(e);
        return server == null ? null : server.getColumn();
    }

    public static String advice(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "42P01" -> "Create the table on the target (warp schema copies the source's schema), then restart the sink task.";
            case "42703" -> "Add the missing column to the target table with the source's type, then restart the sink task.";
            case "42804", "22P02", "22007", "22008", "22003", "22001", "42846" -> "Make the target column's type match the source's "
                    + "(compare them with warp check), then restart the sink task.";
            case "23505" -> "The target holds a row the source does not (or a unique constraint the source lacks): remove the "
                    + "conflicting row or constraint on the target, then restart the sink task.";
            case "23503" -> "A foreign key on the target is violated; the sink applies each source transaction whole, so the "
                    + "target's foreign keys must match the source's (or be DEFERRABLE). Fix or drop it, then restart the sink task.";
            case "23502", "23514" -> "A NOT NULL or CHECK constraint on the target is stricter than on the source; align it with "
                    + "the source, then restart the sink task.";
            case "42P10" -> "The target table's primary key must match the source's key (plus the Citus distribution column); "
                    + "fix the target's primary key, then restart the sink task.";
            case "42501" -> "Grant the sink's target user INSERT, UPDATE, DELETE and TRUNCATE on the table, then restart the sink task.";
            default -> "Fix the target so that this change can be applied, then restart the sink task; it resumes at this transaction.";
        };
    }

    /**
     * The server's error without the statement text and without row values: PgJDBC's batch errors quote the failing
     * entry with its bound values, and the server's DETAIL ("Failing row contains (...)", "Key (email)=(...)") and some
     * primary messages (invalid input "...") carry values; none of that belongs in a log line or a Connect task trace.
     * Column and constraint names stay: they say what to fix.
     */
    public static String summary(SQLException e) {
        SQLException cause = e instanceof java.sql.BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String message = redact(String.valueOf(cause.getMessage()));
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /**
     * A stand-in for {@code e} to attach as the cause of the sink's own exception: its SQLSTATE and redacted message,
     * without the original chain, whose messages may quote row values into the task's trace and the worker's log.
     */
    public static SQLException redacted(SQLException e) {
        return new SQLException(summary(e), e.getSQLState(), e.getErrorCode());
    }

    /** The text with every row value it may quote replaced by "(redacted)" (common/ValueRedaction, shared with warp). */
    public static String redact(String message) {
        return io.citus.warp.common.ValueRedaction.redact(message);
    }

    private static ServerErrorMessage server(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage();
            }
        }
        return null;
    }
}
