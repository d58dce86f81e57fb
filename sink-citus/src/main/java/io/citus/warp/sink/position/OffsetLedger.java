package io.citus.warp.sink.position;

import io.citus.warp.sink.event.KafkaPosition;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task's offsets per partition: the last one fed to the assembler (records up to it are queued or applied) and the
 * last whose effects are committed on the target (or that carried nothing to apply). A record delivered again (after a
 * retry or a rewind) is recognised by the first; only the second is ever reported to Connect.
 */
final class OffsetLedger {
    private final Map<TopicPartition, Long> ingested = new HashMap<>();
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** After a rewind: records are ignored until the one at this offset arrives again (-1: none pending). */
    private long rewindTo = -1;

    /** The partition resumes after {@code offset}: everything up to it is applied. */
    void positionedAt(TopicPartition tp, long offset) {
        ingested.put(tp, offset);
        applied.put(tp, offset);
    }

    void forget(TopicPartition tp) {
        ingested.remove(tp);
        applied.remove(tp);
    }

    /** Partitions with an applied position. */
    int partitions() {
        return applied.size();
    }

    /**
     * Whether the record is new: not polled before a rewind's seek took effect, and not delivered again. Marks it fed.
     */
    boolean admit(TopicPartition tp, long offset) {
        if (rewindTo >= 0) {
            if (offset != rewindTo) {
                return false; // polled before the rewind's seek took effect; it arrives again in order
            }
            rewindTo = -1;
        }
        Long last = ingested.get(tp);
        if (last != null && offset <= last) {
            return false; // delivered again after a retry or rewind; already queued or applied
        }
        ingested.put(tp, offset);
        return true;
    }

    /** The stream is read again from {@code to}: records before it are applied, records after it are not. */
    void rewound(TopicPartition tp, long to) {
        ingested.put(tp, to - 1);
        rewindTo = to;
    }

    void noRewind() {
        rewindTo = -1;
    }

    /** Every record up to {@code position} is applied (or needed nothing). */
    void acknowledge(KafkaPosition position) {
        applied.merge(new TopicPartition(position.topic(), position.partition()), position.offset(), Math::max);
    }

    /** What Connect may commit for {@code partitions}: the offset after the last one applied, none where nothing is. */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long offset = applied.get(tp);
            if (offset != null) {
                committed.put(tp, new OffsetAndMetadata(offset + 1));
            }
        }
        return committed;
    }

    /** The last applied offsets, for a message. */
    List<Long> appliedOffsets() {
        return List.copyOf(applied.values());
    }
}
