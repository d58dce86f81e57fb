package io.citus.warp.sink.event;

/**
 * A logical decoding message ({@code pg_logical_emit_message()}, Debezium op {@code m}): not table data,
 * so the sink applies nothing for it. Transactional messages arrive inside their transaction and only
 * count towards it; non-transactional ones arrive on their own and only move the position.
 *
 * @param txId   the source transaction the message belongs to, or -1 (non-transactional)
 * @param prefix the message's prefix (never its content, which may hold application data)
 */
public record LogicalMessage(KafkaPosition kafka, long txId, String prefix) implements StreamElement {
}
