package io.citus.warp.sink.event;

/**
 * A logical decoding message ({@code pg_logical_emit_message()}, Debezium op {@code m}): not table data,
 * so the sink applies nothing for it. Transactional messages arrive inside their transaction (Debezium
 * 3.6 gives them the transaction block and counts them in END's event_count); non-transactional ones
 * arrive outside any BEGIN..END and only move the position.
 *
 * @param txId   the source transaction the message belongs to, or -1 (non-transactional)
 * @param prefix the message's prefix (never its content, which may hold application data)
 */
public record LogicalMessage(KafkaPosition kafka, long txId, String prefix) implements StreamElement {
}
