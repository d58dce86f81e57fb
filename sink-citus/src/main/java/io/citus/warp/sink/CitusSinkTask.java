package io.citus.warp.sink;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.RetryClock;
import io.citus.warp.sink.event.ChangeEventDecoder;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.LogicalMessage;
import io.citus.warp.sink.event.MalformedEventException;
import io.citus.warp.sink.event.StreamElement;
import io.citus.warp.sink.metrics.SinkMetrics;
import io.citus.warp.sink.position.BaseCopyHold;
import io.citus.warp.sink.position.StoredPosition;
import io.citus.warp.sink.position.StreamPosition;
import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.Progress;
import io.citus.warp.sink.queue.ApplyQueue;
import io.citus.warp.sink.txn.Rewind;
import io.citus.warp.sink.txn.StreamOrderException;
import io.citus.warp.sink.txn.TransactionAssembler;
import io.citus.warp.sink.txn.WorkUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Connect adapter of the sink: decodes records, feeds the {@link TransactionAssembler}, hands complete units to
 * the {@link ApplyQueue} and reports committed offsets. Where to read from and what is done is {@link StreamPosition}'s
 * business; how long to retry, {@link RetryClock}'s; the target is a {@link SinkTarget}.
 *
 * <p>Exactly once: the target's progress table (written in the same transaction as the changes) holds the last applied
 * Kafka offset and source commit LSN. On assignment the task seeks to the record after that offset; a transaction
 * whose commit LSN is not above the last applied one (Debezium sending it again after its own restart) is skipped.
 * {@link #preCommit} reports only committed work.
 */
public final class CitusSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(CitusSinkTask.class);

    /** Opens the target a task writes to. */
    interface Targets {
        SinkTarget open(CitusSinkConfig config, String stream, String connector);
    }

    private final Targets targets;
    private final Clock clock;
    private ChangeEventDecoder decoder;
    private String stream;
    private SinkTarget target;
    private SinkMetrics metrics;
    private TransactionAssembler assembler;
    private ApplyQueue queue;
    private StreamPosition position;
    private RetryClock retry;

    /** For Connect: the target is the coordinator the config names. */
    public CitusSinkTask() {
        this(CoordinatorTarget::new, Clock.systemUTC());
    }

    /** With the target and the clock given (unit tests). */
    CitusSinkTask(Targets targets, Clock clock) {
        this.targets = targets;
        this.clock = clock;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        CitusSinkConfig config = new CitusSinkConfig(props);
        decoder = new ChangeEventDecoder(config.schemaChangeSlot());
        String name = props.get(CitusSinkConfig.CONNECTOR_NAME);
        stream = config.stream(name == null ? "citus-sink" : name);
        target = targets.open(config, stream, name == null ? stream : name);
        metrics = new SinkMetrics(config.summaryIntervalMs());
        try {
            metrics.register(context.pluginMetrics());
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("plugin metrics unavailable on this worker", e);
        }
        metrics.watchTopic(config.kafkaAdminSettings(), props.get("topics"), "connect-" + (name == null ? stream : name));
        queue = new ApplyQueue(target.applier(this::committed), config.groupMaxChanges(), new ApplyQueue.Listener() {
            @Override
            public void acknowledged(KafkaPosition applied) {
                position.acknowledge(applied);
            }

            @Override
            public void duplicateSkipped() {
                metrics.duplicateSkipped();
            }
        });
        metrics.watchQueue(queue::size);
        assembler = new TransactionAssembler(config.boundaries(), config.transactionBufferChanges(),
                config.transactionBufferBytes());
        BaseCopyHold hold = config.baseCopySlot().isEmpty() ? null : new BaseCopyHold(context, clock, stream, config.baseCopySlot());
        position = new StreamPosition(context, new MeteredPosition(target, metrics), hold, assembler, queue, stream);
        position.onApplied(metrics::applied);
        retry = new RetryClock(context, config.retryTimeoutMs(), config.retryBackoffMs(), clock);
        LOG.info("Citus sink task for stream '{}' started (target {}, transaction boundaries {})", stream, config.url(),
                config.boundaries());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        try {
            position.open(partitions);
        } catch (ConnectException e) {
            throw e; // several partitions, or the stored position does not match the topic: never guess
        } catch (RuntimeException e) {
            // The target may be unreachable right now; put() positions before applying anything.
            LOG.warn("could not read the sink's progress from the target yet ({}); will retry", e.getMessage());
            target.discard();
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        metrics.received(records);
        try {
            Optional<List<SinkRecord>> ready = position.ready(records);
            if (ready.isEmpty()) {
                return;
            }
            for (SinkRecord record : ready.get()) {
                ingest(record);
            }
            position.verified();
            queue.drain();
            retry.succeeded();
            metrics.maybeLogSummary(stream);
        } catch (ApplyException e) {
            position.rewindIfAsked();
            if (!e.isTransient()) {
                throw new ConnectException(e.getMessage(), e);
            }
            throw retryLater(e);
        } catch (StreamOrderException | MalformedEventException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            position.rewindIfAsked();
            if (!target.connectionLost()) {
                throw e;
            }
            target.discard();
            throw retryLater(new ApplyException(ErrorKind.TRANSIENT, "lost the connection to the target (" + e + ")", e));
        }
    }

    private void ingest(SinkRecord record) {
        if (!position.admit(record)) {
            return;
        }
        StreamElement element = decoder.decode(record);
        if (element instanceof LogicalMessage) {
            metrics.logicalMessageSkipped();
        }
        for (WorkUnit unit : assembler.accept(element)) {
            queue.add(unit);
            if (unit instanceof Rewind rewind) {
                LOG.info("{}; reading it again from Kafka {}", rewind.reason(), rewind.to());
                position.rewind(rewind.to());
            }
        }
    }

    /** A transient failure: the last COMMIT's outcome is checked before going on, after the retry clock's pause. */
    private ConnectException retryLater(ApplyException e) {
        position.transientFailure();
        ConnectException retrying = retry.retry(e, "after Kafka offset " + position.appliedOffsets());
        metrics.retried();
        return retrying;
    }

    /** Called by the appliers after each target commit. */
    private void committed(KafkaPosition committed, int transactions, long changes, long commitLsn, long commitTsMs) {
        position.acknowledge(committed);
        queue.applied(commitLsn);
        metrics.transactionsApplied(transactions, changes, commitLsn, commitTsMs);
    }

    /** Only offsets whose effects are committed on the target. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return position.committable(currentOffsets.keySet());
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        position.close(partitions);
    }

    /** The stored position, telling the metrics what the base copy's record says each time it is read. */
    private record MeteredPosition(StoredPosition stored, SinkMetrics metrics) implements StoredPosition {
        @Override
        public Optional<Progress> read() {
            return stored.read();
        }

        @Override
        public void verify(Collection<TopicPartition> assignment, Optional<Progress> progress) {
            stored.verify(assignment, progress);
        }

        @Override
        public BaseCopyGate.State baseCopy() {
            BaseCopyGate.State state = stored.baseCopy();
            metrics.baseCopy(state);
            return state;
        }
    }

    @Override
    public void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (target != null) {
            target.close();
        }
    }
}
