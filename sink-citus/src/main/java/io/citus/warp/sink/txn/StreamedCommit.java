package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;

import java.util.List;

/**
 * The end of a source transaction whose earlier changes went out as {@link TransactionPart}s: its last
 * changes, then the progress row and COMMIT of the open target transaction.
 *
 * @param changes the transaction's change count over all its parts
 */
public record StreamedCommit(long txId, long commitLsn, long commitTsMs, KafkaPosition begin, List<ChangeEvent> events,
                             long changes, KafkaPosition last) implements WorkUnit {
    @Override
    public String toString() {
        return "source transaction " + txId + " (commit LSN " + Lsn.format(commitLsn) + ", " + changes + " changes, streamed)";
    }
}
