package io.citus.warp.status;

import java.util.List;

/**
 * Everything {@code warp status} knows about a migration at one moment. {@code caughtUpProof} says why the verdict is
 * CAUGHT UP (null otherwise): every snapshot is complete and a source position taken during the probe is applied.
 */
public record MigrationStatus(Verdict verdict, List<ConnectorState> connectors, List<TableSnapshot> snapshot,
                              Long endOffset, Long appliedOffset, Long lag, SinkProgress sink, SlotState slot,
                              Double replicationDelaySeconds, List<String> notes, String caughtUpProof) {

    /** A connector and its tasks as Connect reports them; trace only on failure. */
    public record ConnectorState(String name, String state, List<TaskState> tasks, String trace) {
    }

    public record TaskState(int id, String state, String trace) {
    }

    /** Rows loaded by the sink for a table's snapshot vs the source's estimate (pg_class.reltuples). */
    public record TableSnapshot(String table, long rowsApplied, long estimatedRows, boolean completed) {
        public double fraction() {
            if (completed) {
                return 1.0;
            }
            return estimatedRows <= 0 ? 0.0 : Math.min(0.99, (double) rowsApplied / estimatedRows);
        }
    }

    /** The sink's progress row on the target. */
    public record SinkProgress(long kafkaOffset, String commitLsn, Long sourceTxid, String sourceCommitTime,
                               double secondsSinceSourceCommit, long transactions, long changes, long snapshotRows) {
    }

    /** The replication slot on the source. */
    public record SlotState(String name, boolean exists, boolean active, String restartLsn, String confirmedFlushLsn,
                            String currentLsn, Long retainedBytes, String walStatus) {
    }
}
