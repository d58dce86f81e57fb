package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.KafkaPosition;

/**
 * Discard the open target transaction of a streamed source transaction and read the stream again from
 * {@code to} (the transaction's first BEGIN). Emitted when Debezium re-sent part of a transaction whose
 * earlier parts are already written: the earlier copy must be cut where the re-send starts, which is
 * only possible by reading it again.
 */
public record Rewind(KafkaPosition to, String reason) implements WorkUnit {
    @Override
    public KafkaPosition last() {
        return to;
    }
}
