package io.citus.warp.sink.event;

/** A record that changes no data (heartbeat, tombstone) but still moves the stream position forward. */
public record PositionOnly(KafkaPosition kafka, String kind, long tsMs) implements StreamElement {
}
