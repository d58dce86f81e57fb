package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureAdvice;
import io.citus.warp.sink.errors.FailureMessage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Runs one target transaction on the session, the way every apply path does: the work writes and commits; any failure
 * rolls the transaction back and is sorted. A transient one (connection lost, deadlock, node restarting) discards the
 * session and becomes a transient {@link ApplyException}, retried later; anything the target or the sink refused becomes
 * a permanent one, worded by {@link FailureMessage}; any other exception passes unchanged. A permanent failure keeps the
 * target's SQLSTATE ({@link ApplyException#sqlState()}) for the paths that try another way (row by row, upserts).
 */
final class TargetTransaction {
    /** Writes and commits on the session's connection. */
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private final TargetSession session;

    TargetTransaction(TargetSession session) {
        this.session = session;
    }

    /** @param what what is not applied if the work fails (asked only then, so it can name the failing change) */
    void run(Supplier<FailureMessage> what, Work work) {
        try {
            work.run(session.connection());
        } catch (SQLException | RuntimeException e) {
            throw failed(what.get(), e);
        }
    }

    /** Rolls back and sorts a failure of work done on the session (also for a transaction that spans several calls). */
    RuntimeException failed(FailureMessage what, Exception e) {
        session.rollbackQuietly();
        if (e instanceof SQLException sql) {
            if (ErrorKind.of(sql) == ErrorKind.TRANSIENT) {
                session.discard();
                return new ApplyException(ErrorKind.TRANSIENT, what.transientFailure(sql), FailureAdvice.redacted(sql));
            }
            return new ApplyException(ErrorKind.PERMANENT, what.targetError(sql), FailureAdvice.redacted(sql));
        }
        if (e instanceof ApplyException a) {
            return a.isTransient() ? a : new ApplyException(ErrorKind.PERMANENT, what.refused(a.getMessage()), a.getCause());
        }
        return (RuntimeException) e;
    }
}
