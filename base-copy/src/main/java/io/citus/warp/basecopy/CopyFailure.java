package io.citus.warp.basecopy;

import io.citus.warp.common.ValueRedaction;

import java.sql.SQLException;

/**
 * A range that could not be copied, said without row values: PostgreSQL's message about a COPY quotes the failing row,
 * its key or the line of COPY data, and PgJDBC passes them on; what reaches stderr, {@code --json} and the log is the
 * table, the range, the SQLSTATE and the redacted message.
 */
public final class CopyFailure extends IllegalStateException {
    private final String sqlState;
    private final boolean io;

    private CopyFailure(String message, String sqlState, boolean io) {
        super(message);
        this.sqlState = sqlState;
        this.io = io;
    }

    /**
     * Whether copying the range again may succeed without anyone changing anything: a connection lost or a server
     * restarting (SQLSTATE class 08, 57P), a deadlock or serialization failure (40), or an I/O error between the streams.
     * Nothing of a failed range is committed, so it is simply copied again.
     */
    public boolean transientFailure() {
        return io || (sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.startsWith("40")));
    }

    /** The failure of {@code range}; no cause is kept, as its message (and a debug log of its chain) would quote values. */
    static CopyFailure of(CopyRange range, Exception e) {
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? " [SQLSTATE " + sql.getSQLState() + "]" : "";
        return new CopyFailure("base copy of " + range.describe() + " into " + range.target() + " failed" + state + ": "
                + ValueRedaction.redact(e.getMessage()), e instanceof SQLException sql ? sql.getSQLState() : null,
                e instanceof java.io.IOException);
    }
}
