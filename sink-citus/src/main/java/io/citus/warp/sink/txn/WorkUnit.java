package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.KafkaPosition;

/** Something the applier can apply (or just acknowledge) as a whole, in stream order. */
public sealed interface WorkUnit permits SourceTransaction, SnapshotRow, PositionAdvance {
    /** The last Kafka record this unit covers; once applied, everything up to it is done. */
    KafkaPosition last();
}
