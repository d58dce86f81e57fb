package io.citus.warp.sink.progress;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Run by the task each time it positions itself: checks the target's progress against the topic
 * ({@link PositionCheck}) and has the topic's ID recorded with every position written afterwards.
 */
public final class PositionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(PositionGuard.class);

    private final TopicProbe probe;
    private final ProgressStore progress;
    private final String stream;
    private final String connector;

    /** @param adminSettings Kafka Admin settings, or null when none are configured (no check is made) */
    public PositionGuard(Map<String, Object> adminSettings, ProgressStore progress, String stream, String connector) {
        this.probe = adminSettings == null ? null : new TopicProbe(adminSettings);
        this.progress = progress;
        this.stream = stream;
        this.connector = connector;
        if (probe == null) {
            LOG.warn("kafka.bootstrap.servers is not set: stream '{}' cannot check that its topic is the one its progress "
                    + "was written from, nor that no record after its position was deleted", stream);
        }
    }

    /**
     * @throws ConnectException when the stored progress does not match the topic (a person must decide)
     * @throws io.citus.warp.sink.errors.ApplyException (transient) when Kafka does not answer
     */
    public void verify(Collection<TopicPartition> assignment, Optional<Progress> stored) {
        if (probe == null) {
            return;
        }
        for (TopicPartition tp : assignment) {
            TopicState topic = probe.describe(tp);
            String mismatch = PositionCheck.mismatch(stored, topic);
            if (mismatch != null) {
                throw new ConnectException(PositionCheck.failure(mismatch, stream, connector, topic));
            }
            progress.useTopicId(topic.topicId());
            LOG.info("stream '{}': topic {} (ID {}) holds offsets {} to {}; the target's position {} is within it", stream,
                    tp, topic.topicId(), topic.logStart(), topic.logEnd(),
                    stored.map(p -> String.valueOf(p.kafka().offset())).orElse("(none yet)"));
        }
    }
}
