package io.citus.warp.sink.progress;

/**
 * What Kafka says about the partition the sink reads, at positioning time.
 *
 * @param topicId  the topic's ID (a recreated topic has a new one)
 * @param logStart the partition's first offset still stored (records below were deleted by retention)
 * @param logEnd   the offset the next record written will get
 */
public record TopicState(String topic, int partition, String topicId, long logStart, long logEnd) {
}
