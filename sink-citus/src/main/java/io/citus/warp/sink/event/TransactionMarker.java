package io.citus.warp.sink.event;

/**
 * Debezium's BEGIN or END record from {@code <prefix>.transaction}. Its id is {@code txid:lsn}; on END
 * the LSN part is the transaction's commit LSN (the next transaction's {@code source.sequence[0]}).
 */
public record TransactionMarker(KafkaPosition kafka, boolean begin, long txId, long lsn, long eventCount, long tsMs)
        implements StreamElement {
}
