package io.citus.warp.sink.errors;

import java.sql.SQLException;

/**
 * Applying a group of source transactions failed. Nothing of the failing transaction is committed;
 * the message says which change failed, where it sits in the source, and what to do about it.
 */
public final class ApplyException extends RuntimeException {
    private final ErrorKind kind;

    public ApplyException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind == ErrorKind.TRANSIENT;
    }

    /** The SQLSTATE of the target's error behind this failure, or null when the sink itself refused the work. */
    public String sqlState() {
        return getCause() instanceof SQLException sql ? sql.getSQLState() : null;
    }
}
