package io.citus.warp.sink.apply;

import io.citus.warp.sink.event.KafkaPosition;

/** Told about every target commit, so the task can report exactly the committed Kafka offsets. */
public interface CommitListener {
    /**
     * @param position     the last Kafka record whose effects the commit made durable
     * @param transactions source transactions applied in this commit (0 for snapshot batches)
     * @param changes      row changes applied in this commit
     * @param lastCommitLsn commit LSN of the last source transaction applied, or -1
     * @param lastCommitTsMs source commit time of that transaction, or -1
     */
    void committed(KafkaPosition position, int transactions, long changes, long lastCommitLsn, long lastCommitTsMs);
}
