package io.citus.warp.sink.progress;

import io.citus.warp.sink.event.KafkaPosition;

/**
 * The last applied position of a stream, as stored on the target.
 *
 * @param kafka     the last Kafka record whose effects are committed on the target
 * @param commitLsn commit LSN of the last applied source transaction, -1 before the first one
 * @param topicId   the Kafka topic ID recorded with the position, null when none was recorded
 */
public record Progress(KafkaPosition kafka, long commitLsn, long txId, long commitTsMs, long transactions, long changes,
                       String topicId) {
}
