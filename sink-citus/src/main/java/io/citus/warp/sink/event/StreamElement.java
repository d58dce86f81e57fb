package io.citus.warp.sink.event;

/** One record of the ordered change stream, decoded. */
public sealed interface StreamElement permits ChangeEvent, TransactionMarker, PositionOnly, LogicalMessage {
    KafkaPosition kafka();
}
