package io.citus.warp.sink.metrics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks Kafka every few seconds, on a thread of its own, for the change topic's end offset and the sink's committed
 * consumer offset, and hands them to {@link StreamLag}: a paused task receives nothing, so only Kafka can say that records
 * wait for it. Runs only when the sink has Kafka settings ({@code kafka.bootstrap.servers}); a failure is logged at
 * DEBUG and the last answer kept, never failing the task.
 */
final class TopicEndProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicEndProbe.class);
    static final long INTERVAL_MS = 5_000;

    private final ScheduledExecutorService executor;
    private final Map<String, Object> adminSettings;
    private final TopicPartition partition;
    private final String group;
    private final StreamLag lag;
    private Admin admin;

    TopicEndProbe(Map<String, Object> adminSettings, TopicPartition partition, String group, StreamLag lag) {
        // A client id of its own: the position check's short-lived Admin uses the configured one at the same time.
        this.adminSettings = new java.util.HashMap<>(adminSettings);
        this.adminSettings.put("client.id", "citus-warp-sink-metrics-" + partition.topic());
        this.partition = partition;
        this.group = group;
        this.lag = lag;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "citus-sink-metrics-" + partition.topic());
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::probe, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            if (admin == null) {
                admin = Admin.create(adminSettings);
            }
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(INTERVAL_MS, TimeUnit.MILLISECONDS).offset();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Map.of(group,
                    new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition)))).partitionsToOffsetAndMetadata(group)
                    .get(INTERVAL_MS, TimeUnit.MILLISECONDS);
            OffsetAndMetadata offset = committed.get(partition);
            lag.topicEnd(end, offset == null ? -1 : offset.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("cannot read the end offset of {} for the lag metrics", partition, e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(INTERVAL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
