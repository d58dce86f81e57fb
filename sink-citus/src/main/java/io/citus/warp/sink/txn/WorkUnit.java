package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.KafkaPosition;

/** Something the applier can apply (or just acknowledge) as a whole, in stream order. */
public sealed interface WorkUnit permits SourceTransaction, SnapshotRow, PositionAdvance, TransactionPart, StreamedCommit,
        Rewind, StreamAbort {
    /** The last Kafka record this unit covers; once applied, everything up to it is done. */
    KafkaPosition last();
}
