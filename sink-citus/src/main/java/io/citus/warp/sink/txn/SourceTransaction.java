package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;

import java.util.List;

/**
 * A complete source transaction: all its change events, in source order.
 *
 * @param commitLsn  the source commit LSN: the order of transactions and the key of exactly-once
 * @param commitTsMs the source commit time
 */
public record SourceTransaction(long txId, long commitLsn, long commitTsMs, List<ChangeEvent> events, KafkaPosition last)
        implements WorkUnit {

    @Override
    public String toString() {
        return "source transaction " + txId + " (commit LSN " + Lsn.format(commitLsn) + ", " + events.size() + " changes)";
    }
}
