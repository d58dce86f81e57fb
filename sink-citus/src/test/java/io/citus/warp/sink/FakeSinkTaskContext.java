package io.citus.warp.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hand-written {@link SinkTaskContext}: what the task asks of Connect (seeks, pauses, timeouts) is recorded for the
 * test to read, as Connect's WorkerSinkTaskContext would act on it.
 */
public final class FakeSinkTaskContext implements SinkTaskContext {
    private final Set<TopicPartition> assignment = new LinkedHashSet<>();
    /** Seeks requested, in order. */
    public final List<String> seeks = new ArrayList<>();
    /** The offset each partition was last sought to. */
    public final Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    public final List<Long> timeouts = new ArrayList<>();
    public final Set<TopicPartition> paused = new LinkedHashSet<>();
    public int resumes;

    public FakeSinkTaskContext assign(TopicPartition... partitions) {
        assignment.clear();
        assignment.addAll(List.of(partitions));
        return this;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        offsets.forEach(this::offset);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        seeks.add(tp + "@" + offset);
        offsets.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        paused.removeAll(List.of(partitions));
        resumes++;
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        throw new UnsupportedOperationException("no plugin metrics in a unit test");
    }
}
