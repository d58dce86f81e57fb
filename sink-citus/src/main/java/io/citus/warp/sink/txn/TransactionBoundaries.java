package io.citus.warp.sink.txn;

/** How the sink knows that a source transaction is complete. */
public enum TransactionBoundaries {
    /**
     * Debezium's BEGIN/END records (provide.transaction.metadata=true, routed into the sink's topic):
     * a transaction is applied as soon as its END arrives, and END's event count is checked.
     */
    MARKERS,
    /**
     * Only the change events' {@code source.txId}: a transaction is known complete when the next
     * transaction's first change arrives, so the last one waits for the next write on the source.
     */
    TXID
}
