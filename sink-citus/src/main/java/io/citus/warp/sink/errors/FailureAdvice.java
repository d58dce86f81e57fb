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
     * The server's error without the statement text: PgJDBC's batch errors quote the whole batch,
     * row values included, which belongs neither in a log line nor in a Connect task trace.
     */
    public static String summary(SQLException e) {
        SQLException cause = e instanceof java.sql.BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String message = String.valueOf(cause.getMessage());
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
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
