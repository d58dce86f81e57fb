package io.citus.warp.sink;

import io.citus.warp.sink.apply.CommitListener;
import io.citus.warp.sink.position.StoredPosition;
import io.citus.warp.sink.queue.ApplyTarget;

/**
 * The target as the task uses it: where the stream stands there, the appliers, and the one connection under both.
 * The Citus coordinator in a worker ({@link CoordinatorTarget}); an in-memory one in the task's unit tests.
 */
public interface SinkTarget extends StoredPosition, AutoCloseable {
    /** The appliers, telling {@code listener} about each target commit. */
    ApplyTarget applier(CommitListener listener);

    /**
     * Whether the connection is gone. PgJDBC reports some losses as runtime exceptions rather than SQLExceptions, so a
     * failure that is not an SQLException is transient exactly when the connection did not survive it.
     */
    boolean connectionLost();

    /** Forgets the connection and what is cached with it; it is opened again on next use. */
    void discard();

    @Override
    void close();
}
