package io.citus.warp.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * What the change topic holds on the broker: the bytes of its log segments (the producer's batches as written, compressed
 * if the producer compressed them) and its offsets. Bytes per record between two readings is what one change event costs
 * on the topic's disks and on the wire to every consumer.
 */
public record TopicSize(long bytes, long startOffset, long endOffset) {

    public static TopicSize of(String bootstrapServers, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long bytes = 0;
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
            for (Map<String, LogDirDescription> byDir : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : byDir.values()) {
                    ReplicaInfo replica = dir.replicaInfos().get(partition);
                    if (replica != null) {
                        bytes += replica.size();
                    }
                }
            }
            long start = admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset();
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
            return new TopicSize(bytes, start, end);
        }
    }

    /** Bytes per record appended between {@code before} and this reading; NaN when none was. */
    public double bytesPerRecordSince(TopicSize before) {
        long records = endOffset - before.endOffset;
        return records <= 0 ? Double.NaN : (double) (bytes - before.bytes) / records;
    }

    public long recordsSince(TopicSize before) {
        return endOffset - before.endOffset;
    }
}
