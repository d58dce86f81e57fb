package io.citus.warp.sink.progress;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Asks Kafka, with an Admin client, for a partition's topic ID and its first and last offsets. */
public final class TopicProbe {
    private static final long TIMEOUT_S = 30;
    private final Map<String, Object> adminSettings;

    public TopicProbe(Map<String, Object> adminSettings) {
        this.adminSettings = adminSettings;
    }

    /** @throws ApplyException (transient) when Kafka does not answer */
    public TopicState describe(TopicPartition tp) {
        try (Admin admin = Admin.create(adminSettings)) {
            TopicDescription d = admin.describeTopics(List.of(tp.topic())).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(tp.topic());
            ListOffsetsResultInfo start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            ListOffsetsResultInfo end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            return new TopicState(tp.topic(), tp.partition(), d.topicId().toString(), start.offset(), end.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException(ErrorKind.TRANSIENT, "interrupted while asking Kafka about " + tp, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new ApplyException(ErrorKind.TRANSIENT, "cannot ask Kafka (" + adminSettings.get("bootstrap.servers")
                    + ", kafka.bootstrap.servers) for the ID and offsets of " + tp + " to check the sink's position: " + e, e);
        }
    }
}
