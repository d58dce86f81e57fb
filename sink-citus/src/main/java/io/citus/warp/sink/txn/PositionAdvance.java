package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.KafkaPosition;

/** Records that change nothing (heartbeats, tombstones, empty or already-applied transactions). */
public record PositionAdvance(KafkaPosition last, String reason) implements WorkUnit {
}
