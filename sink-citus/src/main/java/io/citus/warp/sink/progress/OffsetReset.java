package io.citus.warp.sink.progress;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Connect's offsets REST API applied to the sink, whose position lives on the target, not in the consumer
 * group. {@code PATCH /connectors/{name}/offsets} with an offset moves the target's progress row there (the
 * explicit reset a position mismatch asks for); {@code DELETE} (offsets reset to nothing) leaves the target's
 * progress in charge, since the consumer group's offsets are only a copy of it: the task resumes after the
 * last record applied, exactly as if the group had expired.
 */
public final class OffsetReset {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetReset.class);

    private OffsetReset() {
    }

    /** @param target opens a connection to the target (autocommit off) */
    public static void apply(Map<TopicPartition, Long> offsets, ProgressStore progress, Supplier<Connection> target) {
        if (offsets.size() > 1) {
            throw new ConnectException("The sink reads one partition of one topic; refusing to set offsets for "
                    + offsets.keySet() + ". Give exactly one partition.");
        }
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            if (e.getValue() == null) {
                LOG.info("offsets of stream '{}' reset in Connect: the target's progress still decides where the sink "
                        + "resumes (after the last record applied); PATCH an offset to move it", progress.stream());
                continue;
            }
            if (e.getValue() < 0) {
                throw new ConnectException("Offset " + e.getValue() + " for " + tp + " is negative.");
            }
            try (Connection c = target.get()) {
                progress.ensureTables(c);
                progress.moveTo(c, tp.topic(), tp.partition(), e.getValue());
                LOG.info("stream '{}' moved to {} offset {} on the target by an explicit offsets request", progress.stream(),
                        tp, e.getValue());
            } catch (SQLException ex) {
                throw new ConnectException("Could not move stream '" + progress.stream() + "' to " + tp + " offset "
                        + e.getValue() + " on the target: " + ex.getMessage() + ". Nothing was changed; retry when the "
                        + "target is reachable.", ex);
            }
        }
    }
}
