package io.citus.warp.basecopy;

import io.citus.warp.common.ValueRedaction;

import java.sql.SQLException;

/**
 * A range that could not be copied, said without row values: PostgreSQL's message about a COPY quotes the failing row,
 * its key or the line of COPY data, and PgJDBC passes them on; what reaches stderr, {@code --json} and the log is the
 * table, the range, the SQLSTATE and the redacted message.
 */
final class CopyFailure extends IllegalStateException {
    private CopyFailure(String message) {
        super(message);
    }

    /** The failure of {@code range}; no cause is kept, as its message (and a debug log of its chain) would quote values. */
    static CopyFailure of(CopyRange range, Exception e) {
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? " [SQLSTATE " + sql.getSQLState() + "]" : "";
        return new CopyFailure("base copy of " + range.describe() + " into " + range.target() + " failed" + state + ": "
                + ValueRedaction.redact(e.getMessage()));
    }
}
