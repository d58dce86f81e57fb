package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.KafkaPosition;

/**
 * A streamed source transaction will not complete here (the stream went back to an earlier transaction
 * after a source restart; it arrives again later): roll back its open target transaction.
 */
public record StreamAbort(long txId, KafkaPosition last, String reason) implements WorkUnit {
}
