package io.citus.warp.sink.event;

/**
 * A change's position in the source's WAL, from Debezium's {@code source} block.
 *
 * @param lsn               the change's own LSN ({@code source.lsn})
 * @param previousCommitLsn the commit LSN of the transaction committed before this one
 *                          ({@code source.sequence[0]}), -1 when Debezium has none yet
 * @param txId              the source transaction id ({@code source.txId}), -1 for none
 * @param commitTsMs        the source commit time ({@code source.ts_ms})
 */
public record SourcePosition(long lsn, long previousCommitLsn, long txId, long commitTsMs) {
    @Override
    public String toString() {
        return "LSN " + (lsn < 0 ? "?" : Lsn.format(lsn)) + ", txid " + txId;
    }
}
