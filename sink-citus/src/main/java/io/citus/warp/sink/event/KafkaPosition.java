package io.citus.warp.sink.event;

/**
 * Where a record was read: the original topic, partition and offset (before any transform renamed
 * the topic), which is what offsets are committed against.
 */
public record KafkaPosition(String topic, int partition, long offset) {
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
