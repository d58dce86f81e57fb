package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;

/** One row of Debezium's snapshot (op=r); runs of them are bulk-loaded together. */
public record SnapshotRow(ChangeEvent event) implements WorkUnit {
    @Override
    public KafkaPosition last() {
        return event.kafka();
    }
}
