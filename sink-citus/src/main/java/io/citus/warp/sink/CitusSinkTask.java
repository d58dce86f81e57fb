package io.citus.warp.sink;

import io.citus.warp.sink.apply.RowEncoder;
import io.citus.warp.sink.apply.TargetApplier;
import io.citus.warp.sink.apply.TargetSession;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEventDecoder;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.LogicalMessage;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.event.MalformedEventException;
import io.citus.warp.sink.event.StreamElement;
import io.citus.warp.sink.metrics.SinkMetrics;
import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.PositionGuard;
import io.citus.warp.sink.progress.Progress;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.queue.ApplyQueue;
import io.citus.warp.sink.txn.Rewind;
import io.citus.warp.sink.txn.StreamOrderException;
import io.citus.warp.sink.txn.TransactionAssembler;
import io.citus.warp.sink.txn.WorkUnit;
import io.citus.warp.sink.value.PgText;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Connect adapter of the sink: decodes records, feeds the {@link TransactionAssembler}, hands complete
 * units to the {@link ApplyQueue} and reports committed offsets.
 *
 * <p>Exactly once: the target's progress table (written in the same transaction as the changes) holds
 * the last applied Kafka offset and source commit LSN. On assignment the task seeks to the record after
 * that offset; a transaction whose commit LSN is not above the last applied one (Debezium sending it
 * again after its own restart) is skipped. {@link #preCommit} reports only committed work.
 */
public final class CitusSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(CitusSinkTask.class);
    /** How often a task held for a running base copy looks again. */
    private static final long BASE_COPY_POLL_MS = 250;

    private CitusSinkConfig config;
    private String stream;
    private TargetSession session;
    /** Set after a transient failure: the progress table tells whether the failed COMMIT took effect. */
    private boolean verifyProgress;
    private ProgressStore progress;
    private PositionGuard positionGuard;
    private SinkMetrics metrics;
    private final ChangeEventDecoder decoder = new ChangeEventDecoder();
    private TransactionAssembler assembler;
    private ApplyQueue queue;

    /** Last offset fed to the assembler (records up to it are queued or applied). */
    private final Map<TopicPartition, Long> ingested = new HashMap<>();
    /** Last offset whose effects are committed on the target (or that carried nothing to apply). */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** After a rewind: records are ignored until the one at this offset arrives again (-1: none pending). */
    private long rewindTo = -1;
    private boolean positioned;
    private long retryDeadline = -1;
    /** Set when Warp's base copy loads the existing rows: the stream is held until the copy has finished. */
    private BaseCopyGate baseCopy;
    /** Records that arrived while the base copy was running (their partition is paused meanwhile). */
    private final List<SinkRecord> held = new ArrayList<>();
    private boolean pausedForBaseCopy;
    private long holdLoggedAt;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new CitusSinkConfig(props);
        stream = config.stream(props.getOrDefault(CitusSinkConnector.CONNECTOR_NAME, "citus-sink"));
        session = new TargetSession(config.url(), config.user(), config.password(), config.mapping());
        progress = new ProgressStore(config.progressSchema(), stream);
        positionGuard = new PositionGuard(config.kafkaAdminSettings(), progress, stream,
                props.getOrDefault(CitusSinkConnector.CONNECTOR_NAME, stream));
        metrics = new SinkMetrics(config.summaryIntervalMs());
        try {
            metrics.register(context.pluginMetrics());
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("plugin metrics unavailable on this worker", e);
        }
        PgText text = new PgText(config.placeholder(), config.timetzAsUtc());
        RowEncoder encoder = new RowEncoder(text, config.keylessTables(), config.replicaIdentityIndexes());
        queue = new ApplyQueue(new TargetApplier(session, encoder, progress, this::committed,
                config.truncateNonEmptyTarget()), config.groupMaxChanges(),
                new ApplyQueue.Listener() {
                    @Override
                    public void acknowledged(KafkaPosition position) {
                        acknowledge(position);
                    }

                    @Override
                    public void duplicateSkipped() {
                        metrics.duplicateSkipped();
                    }
                });
        assembler = new TransactionAssembler(config.boundaries(), config.transactionBufferChanges(),
                config.transactionBufferBytes());
        baseCopy = config.baseCopySlot().isEmpty() ? null : new BaseCopyGate(config.progressSchema(), config.baseCopySlot());
        LOG.info("Citus sink task for stream '{}' started (target {}, transaction boundaries {})", stream, config.url(),
                config.boundaries());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (partitions.size() > 1 || applied.size() + partitions.size() > 1) {
            throw new ConnectException("The sink's topic has several partitions (" + partitions + "); transactions can only "
                    + "be applied in commit order from a single partition. Recreate the topic with one partition "
                    + "(topic.creation.default.partitions=1 on the Debezium source) and re-snapshot.");
        }
        positioned = false;
        try {
            position();
        } catch (ConnectException e) {
            throw e; // the stored position does not match the topic: never guess
        } catch (RuntimeException e) {
            // The target may be unreachable right now; put() positions before applying anything.
            LOG.warn("could not read the sink's progress from the target yet ({}); will retry", e.getMessage());
            session.discard();
        }
    }

    /**
     * Seeks each assigned partition to the record after the last one applied on the target. While a base copy
     * is still running, pauses the partitions instead and leaves the task unpositioned.
     *
     * @return true when a seek was requested (records already polled do not follow the stored position)
     */
    private boolean position() {
        if (positioned) {
            return false;
        }
        long skipBelow = -1;
        if (baseCopy != null) {
            BaseCopyGate.State state = baseCopyState();
            if (!state.finished()) {
                holdForBaseCopy(state);
                return false;
            }
            skipBelow = state.skipBelow();
            if (pausedForBaseCopy) {
                pausedForBaseCopy = false;
                context.resume(context.assignment().toArray(new TopicPartition[0]));
                LOG.info("stream '{}': the base copy of slot {} has {}; applying the transactions committed from then on",
                        stream, baseCopy.slot(), state.detail());
            }
        }
        boolean seeked = false;
        Optional<Progress> stored = storedProgress();
        positionGuard.verify(context.assignment(), stored);
        for (TopicPartition tp : context.assignment()) {
            ingested.remove(tp);
            applied.remove(tp);
            if (stored.isPresent() && stored.get().kafka().topic().equals(tp.topic())
                    && stored.get().kafka().partition() == tp.partition()) {
                long offset = stored.get().kafka().offset();
                context.offset(tp, offset + 1);
                seeked = true;
                ingested.put(tp, offset);
                applied.put(tp, offset);
                LOG.info("stream '{}' resumes after Kafka {} (last applied commit LSN {})", stream, stored.get().kafka(),
                        stored.get().commitLsn() < 0 ? "-" : Lsn.format(stored.get().commitLsn()));
            } else {
                LOG.info("stream '{}' has no progress on the target for {}; starting from the consumer's position", stream, tp);
            }
        }
        assembler.reset();
        // Transactions committed before the base copy's consistent point are in the copied rows: skipped like applied ones.
        queue.reset(Math.max(stored.map(Progress::commitLsn).orElse(-1L), skipBelow - 1));
        rewindTo = -1;
        positioned = true;
        return seeked;
    }

    private BaseCopyGate.State baseCopyState() {
        try {
            return baseCopy.read(session.connection());
        } catch (SQLException e) {
            session.discard();
            throw new ApplyException(ErrorKind.of(e), "cannot read the base copy's state from the target: " + e.getMessage(), e);
        }
    }

    /** Pauses the partitions and asks to be called again shortly, with nothing applied. */
    private void holdForBaseCopy(BaseCopyGate.State state) {
        if (!pausedForBaseCopy || System.currentTimeMillis() - holdLoggedAt > 60_000) {
            holdLoggedAt = System.currentTimeMillis();
            LOG.info("stream '{}': holding every change until the base copy of slot {} has finished on the target ({})", stream,
                    baseCopy.slot(), state.detail());
        }
        pausedForBaseCopy = true;
        context.pause(context.assignment().toArray(new TopicPartition[0]));
        context.timeout(BASE_COPY_POLL_MS);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            if (!positioned) {
                boolean seeked = position();
                if (!positioned) {
                    held.addAll(records); // the base copy is still running: kept, in order, until it has finished
                    return;
                }
                if (!held.isEmpty()) {
                    List<SinkRecord> all = new ArrayList<>(held);
                    all.addAll(records);
                    held.clear();
                    records = all;
                }
                if (seeked && !records.isEmpty()) {
                    // The seek takes effect at the next poll; these records may not follow the stored position.
                    return;
                }
            }
            for (SinkRecord record : records) {
                ingest(record);
            }
            if (verifyProgress) {
                reloadAppliedPosition();
            }
            queue.drain();
            retryDeadline = -1;
            metrics.maybeLogSummary(stream);
        } catch (ApplyException e) {
            rewindIfAsked();
            if (!e.isTransient()) {
                throw new ConnectException(e.getMessage(), e);
            }
            retryLater(e);
        } catch (StreamOrderException | MalformedEventException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            rewindIfAsked();
            if (!session.connectionLost()) {
                throw e;
            }
            session.discard();
            retryLater(new ApplyException(ErrorKind.TRANSIENT, "lost the connection to the target (" + e + ")", e));
        }
    }

    private void ingest(SinkRecord record) {
        TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        long offset = record.originalKafkaOffset();
        if (rewindTo >= 0) {
            if (offset != rewindTo) {
                return; // polled before the rewind's seek took effect; it arrives again in order
            }
            rewindTo = -1;
        }
        Long last = ingested.get(tp);
        if (last != null && offset <= last) {
            return; // delivered again after a retry or rewind; already queued or applied
        }
        ingested.put(tp, offset);
        StreamElement element = decoder.decode(record);
        if (element instanceof LogicalMessage) {
            metrics.logicalMessageSkipped();
        }
        for (WorkUnit unit : assembler.accept(element)) {
            queue.add(unit);
            if (unit instanceof Rewind rewind) {
                LOG.info("{}; reading it again from Kafka {}", rewind.reason(), rewind.to());
                seek(rewind.to());
            }
        }
    }

    /** Reads the stream again from {@code to}: records before it are applied, records after it are not. */
    private void seek(KafkaPosition to) {
        TopicPartition tp = new TopicPartition(to.topic(), to.partition());
        context.offset(tp, to.offset());
        ingested.put(tp, to.offset() - 1);
        rewindTo = to.offset();
    }

    /** After losing a streamed transaction's open target transaction, read that transaction again. */
    private void rewindIfAsked() {
        queue.takeRewind().ifPresent(to -> {
            assembler.reset();
            seek(to);
        });
    }

    /**
     * After a lost connection the outcome of the last COMMIT is unknown: it may have been applied.
     * The progress row committed with it says; transactions at or below it are then skipped.
     */
    private void reloadAppliedPosition() {
        Optional<Progress> stored = storedProgress();
        if (stored.isPresent() && stored.get().commitLsn() < queue.appliedCommitLsn()) {
            // The target no longer has transactions whose COMMIT it acknowledged (asynchronous commit lost in a crash,
            // failover to a standby that lagged): re-read the stream from the target's own position.
            LOG.warn("the target's progress is back at commit LSN {} although commit LSN {} was acknowledged: it lost committed "
                    + "work; re-reading the stream after Kafka {}", Lsn.format(stored.get().commitLsn()),
                    Lsn.format(queue.appliedCommitLsn()), stored.get().kafka());
            positioned = false;
            position();
            verifyProgress = false;
            return;
        }
        stored.ifPresent(p -> {
            if (p.commitLsn() > queue.appliedCommitLsn()) {
                LOG.info("the last group was committed before the connection was lost (commit LSN {}); not applying it again",
                        Lsn.format(p.commitLsn()));
                queue.applied(p.commitLsn());
            }
            acknowledge(p.kafka());
            // Snapshot runs carry no commit LSN: the stored Kafka offset says whether the last one was committed.
            queue.dropUpTo(p.kafka());
        });
        verifyProgress = false;
    }

    /** This stream's row in the progress table on the target (creating the tables on first use). */
    private Optional<Progress> storedProgress() {
        try {
            progress.ensureTables(session.connection());
            return progress.load(session.connection());
        } catch (SQLException e) {
            session.discard();
            throw new ApplyException(ErrorKind.of(e), "cannot read the sink's progress from the target: " + e.getMessage(), e);
        }
    }

    private void retryLater(ApplyException e) {
        verifyProgress = true;
        long now = System.currentTimeMillis();
        if (retryDeadline < 0) {
            retryDeadline = now + config.retryTimeoutMs();
        }
        if (now > retryDeadline) {
            throw new ConnectException("The target kept failing for " + config.retryTimeoutMs() / 1000 + " s (retry.timeout.ms); "
                    + "nothing after Kafka offset " + applied.values() + " was applied. Last error: " + e.getMessage(), e);
        }
        metrics.retried();
        LOG.warn("{}; retrying in {} ms", e.getMessage(), config.retryBackoffMs());
        context.timeout(config.retryBackoffMs());
        throw new RetriableException(e.getMessage(), e);
    }

    /** Called by the appliers after each target commit. */
    private void committed(KafkaPosition position, int transactions, long changes, long commitLsn, long commitTsMs) {
        acknowledge(position);
        queue.applied(commitLsn);
        metrics.transactionsApplied(transactions, changes, commitLsn, commitTsMs);
    }

    private void acknowledge(KafkaPosition position) {
        applied.merge(new TopicPartition(position.topic(), position.partition()), position.offset(), Math::max);
    }

    /** Only offsets whose effects are committed on the target. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long offset = applied.get(tp);
            if (offset != null) {
                committed.put(tp, new OffsetAndMetadata(offset + 1));
            }
        }
        return committed;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        held.clear(); // read again after the next assignment, from the target's position
        for (TopicPartition tp : partitions) {
            ingested.remove(tp);
            applied.remove(tp);
        }
        assembler.reset();
        queue.reset(queue.appliedCommitLsn());
        rewindTo = -1;
        positioned = false;
    }

    @Override
    public void stop() {
        if (session != null) {
            session.close();
        }
    }
}
