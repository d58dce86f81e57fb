package io.citus.warp.sink.position;

import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.Progress;
import io.citus.warp.sink.queue.ApplyQueue;
import io.citus.warp.sink.txn.TransactionAssembler;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Where the task reads the stream from, and what it may report as done. The target's progress row (written in the same
 * transaction as the changes) is the position: on assignment each partition is sought to the record after the last one
 * applied, and transactions at or below the last applied commit LSN are skipped by the {@link ApplyQueue}. While Warp's
 * base copy runs the stream is held ({@link BaseCopyHold}) and afterwards the transactions the copy already holds are
 * skipped too. After a transient failure the progress row says whether the last COMMIT took effect; when the queue asks,
 * the stream is read again from a streamed transaction's BEGIN (a rewind). Connect is told only applied offsets.
 */
public final class StreamPosition {
    private static final Logger LOG = LoggerFactory.getLogger(StreamPosition.class);

    private final SinkTaskContext context;
    private final StoredPosition stored;
    private final BaseCopyHold hold;
    private final TransactionAssembler assembler;
    private final ApplyQueue queue;
    private final String stream;
    private final OffsetLedger offsets = new OffsetLedger();
    private LongConsumer appliedListener = offset -> { };
    private boolean positioned;
    /** Set after a transient failure: the progress table tells whether the failed COMMIT took effect. */
    private boolean verifyProgress;

    /** @param hold the base copy's hold, or null when the sink was deployed without a base copy */
    public StreamPosition(SinkTaskContext context, StoredPosition stored, BaseCopyHold hold, TransactionAssembler assembler,
                          ApplyQueue queue, String stream) {
        this.context = context;
        this.stored = stored;
        this.hold = hold;
        this.assembler = assembler;
        this.queue = queue;
        this.stream = stream;
    }

    /**
     * New partitions: the task positions itself on the next {@link #ready} (or now, when the target answers).
     *
     * @throws ConnectException when the topic has several partitions, or the stored position does not match the topic
     */
    public void open(Collection<TopicPartition> partitions) {
        if (partitions.size() > 1 || offsets.partitions() + partitions.size() > 1) {
            throw new ConnectException("The sink's topic has several partitions (" + partitions + "); transactions can only "
                    + "be applied in commit order from a single partition. Recreate the topic with one partition "
                    + "(topic.creation.default.partitions=1 on the Debezium source) and re-snapshot.");
        }
        positioned = false;
        position();
    }

    /**
     * The records to feed now, in order, once the task is positioned (the records kept during the base copy first);
     * empty when put() must return at once: while the base copy runs (the records are kept), or when a seek was just
     * requested and the consumer delivers from the stored position at its next poll.
     */
    public Optional<List<SinkRecord>> ready(Collection<SinkRecord> records) {
        if (positioned) {
            return Optional.of(new ArrayList<>(records));
        }
        boolean sought = position();
        if (!positioned) {
            hold.keep(records);
            return Optional.empty();
        }
        List<SinkRecord> all = hold == null ? new ArrayList<>(records) : hold.release(records);
        // The seek takes effect at the next poll; these records may not follow the stored position.
        return sought && !all.isEmpty() ? Optional.empty() : Optional.of(all);
    }

    /** Whether the record is new (not delivered again, not polled before a rewind's seek took effect). */
    public boolean admit(SinkRecord record) {
        return offsets.admit(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()), record.originalKafkaOffset());
    }

    /** Reads the stream again from {@code to}: records before it are applied, records after it are not. */
    public void rewind(KafkaPosition to) {
        TopicPartition tp = new TopicPartition(to.topic(), to.partition());
        context.offset(tp, to.offset());
        offsets.rewound(tp, to.offset());
    }

    /** After losing a streamed transaction's open target transaction: read that transaction again, if the queue asks. */
    public void rewindIfAsked() {
        queue.takeRewind().ifPresent(to -> {
            assembler.reset();
            rewind(to);
        });
    }

    /** After a transient failure the outcome of the last COMMIT is unknown: the next {@link #verified} reads it. */
    public void transientFailure() {
        verifyProgress = true;
    }

    /**
     * After a transient failure, the progress row committed with the last COMMIT says whether it took effect:
     * transactions at or below it are then skipped. Nothing to do otherwise.
     */
    public void verified() {
        if (!verifyProgress) {
            return;
        }
        Optional<Progress> p = stored.read();
        if (p.isPresent() && p.get().commitLsn() < queue.appliedCommitLsn()) {
            // The target no longer has transactions whose COMMIT it acknowledged (asynchronous commit lost in a crash,
            // failover to a standby that lagged): re-read the stream from the target's own position.
            LOG.warn("the target's progress is back at commit LSN {} although commit LSN {} was acknowledged: it lost committed "
                    + "work; re-reading the stream after Kafka {}", Lsn.format(p.get().commitLsn()),
                    Lsn.format(queue.appliedCommitLsn()), p.get().kafka());
            positioned = false;
            position();
            verifyProgress = false;
            return;
        }
        p.ifPresent(progress -> {
            if (progress.commitLsn() > queue.appliedCommitLsn()) {
                LOG.info("the last group was committed before the connection was lost (commit LSN {}); not applying it again",
                        Lsn.format(progress.commitLsn()));
                queue.applied(progress.commitLsn());
            }
            acknowledge(progress.kafka());
            // Snapshot runs carry no commit LSN: the stored Kafka offset says whether the last one was committed.
            queue.dropUpTo(progress.kafka());
        });
        verifyProgress = false;
    }

    /** Every record up to {@code position} is applied (or needed nothing). */
    public void acknowledge(KafkaPosition position) {
        offsets.acknowledge(position);
        appliedListener.accept(position.offset());
    }

    /** Told the last applied Kafka offset whenever it moves (acknowledged, or read back from the target on positioning). */
    public void onApplied(LongConsumer listener) {
        this.appliedListener = listener;
    }

    /** Only offsets whose effects are committed on the target. */
    public Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        return offsets.committable(partitions);
    }

    /** The last applied offsets, for a message. */
    public List<Long> appliedOffsets() {
        return offsets.appliedOffsets();
    }

    /** Partitions revoked: what was held or queued is read again after the next assignment, from the target's position. */
    public void close(Collection<TopicPartition> partitions) {
        if (hold != null) {
            hold.clear();
        }
        for (TopicPartition tp : partitions) {
            offsets.forget(tp);
        }
        assembler.reset();
        queue.reset(queue.appliedCommitLsn());
        offsets.noRewind();
        positioned = false;
    }

    /**
     * Seeks each assigned partition to the record after the last one applied on the target. While a base copy is still
     * running, holds the stream instead and stays unpositioned.
     *
     * @return true when a seek was requested (records already polled do not follow the stored position)
     */
    private boolean position() {
        if (positioned) {
            return false;
        }
        long skipBelow = -1;
        if (hold != null) {
            BaseCopyGate.State state = stored.baseCopy();
            if (!state.finished()) {
                hold.hold(state);
                return false;
            }
            skipBelow = state.skipBelow();
            hold.finished(state);
        }
        boolean sought = false;
        Optional<Progress> progress = stored.read();
        stored.verify(context.assignment(), progress);
        for (TopicPartition tp : context.assignment()) {
            offsets.forget(tp);
            if (progress.isPresent() && progress.get().kafka().topic().equals(tp.topic())
                    && progress.get().kafka().partition() == tp.partition()) {
                long offset = progress.get().kafka().offset();
                context.offset(tp, offset + 1);
                sought = true;
                offsets.positionedAt(tp, offset);
                appliedListener.accept(offset);
                LOG.info("stream '{}' resumes after Kafka {} (last applied commit LSN {})", stream, progress.get().kafka(),
                        progress.get().commitLsn() < 0 ? "-" : Lsn.format(progress.get().commitLsn()));
            } else {
                LOG.info("stream '{}' has no progress on the target for {}; starting from the consumer's position", stream, tp);
            }
        }
        assembler.reset();
        // Transactions committed before the base copy's consistent point are in the copied rows: skipped like applied ones.
        queue.reset(Math.max(progress.map(Progress::commitLsn).orElse(-1L), skipBelow - 1));
        offsets.noRewind();
        positioned = true;
        return sought;
    }
}
