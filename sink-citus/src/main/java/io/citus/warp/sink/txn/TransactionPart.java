package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;

import java.util.List;

/**
 * Changes of a source transaction too large to hold in memory: written into a target transaction that
 * stays open until the source transaction's END ({@link StreamedCommit}), so the target still sees it
 * whole or not at all.
 *
 * @param begin the transaction's first BEGIN record: where to read again if the open target transaction is lost
 */
public record TransactionPart(long txId, KafkaPosition begin, List<ChangeEvent> events, KafkaPosition last)
        implements WorkUnit {
}
