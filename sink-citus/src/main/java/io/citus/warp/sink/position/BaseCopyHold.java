package io.citus.warp.sink.position;

import io.citus.warp.sink.progress.BaseCopyGate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Holds the stream while Warp's base copy runs ({@link BaseCopyGate}): the partitions are paused, records already polled
 * are kept in order, and Connect calls the task again every {@value #POLL_MS} ms to look again. When the copy has
 * finished the partitions resume and the kept records come first.
 */
public final class BaseCopyHold {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyHold.class);
    /** How often a task held for a running base copy looks again. */
    static final long POLL_MS = 250;
    /** How often the hold is logged again while it lasts. */
    private static final long LOG_EVERY_MS = 60_000;

    private final SinkTaskContext context;
    private final Clock clock;
    private final String stream;
    private final String slot;
    private final List<SinkRecord> held = new ArrayList<>();
    private boolean paused;
    private long loggedAt;

    public BaseCopyHold(SinkTaskContext context, Clock clock, String stream, String slot) {
        this.context = context;
        this.clock = clock;
        this.stream = stream;
        this.slot = slot;
    }

    /** The copy is still running: pause, and ask to be called again shortly. */
    void hold(BaseCopyGate.State state) {
        long now = clock.millis();
        if (!paused || now - loggedAt > LOG_EVERY_MS) {
            loggedAt = now;
            LOG.info("stream '{}': holding every change until the base copy of slot {} has finished on the target ({})", stream,
                    slot, state.detail());
        }
        paused = true;
        context.pause(context.assignment().toArray(new TopicPartition[0]));
        context.timeout(POLL_MS);
    }

    /** Records polled while holding: kept, in order, until the copy has finished. */
    void keep(Collection<SinkRecord> records) {
        held.addAll(records);
    }

    /** The copy has finished: resume the partitions if they were paused. */
    void finished(BaseCopyGate.State state) {
        if (paused) {
            paused = false;
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            LOG.info("stream '{}': the base copy of slot {} has {}; applying the transactions committed from then on", stream,
                    slot, state.detail());
        }
    }

    /** The records kept while holding, then {@code records}; nothing is kept afterwards. */
    List<SinkRecord> release(Collection<SinkRecord> records) {
        List<SinkRecord> all = new ArrayList<>(held);
        all.addAll(records);
        held.clear();
        return all;
    }

    /** Forgets the kept records: they are read again after the next assignment, from the target's position. */
    void clear() {
        held.clear();
    }
}
