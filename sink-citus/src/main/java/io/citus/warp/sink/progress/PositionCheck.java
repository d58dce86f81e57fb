package io.citus.warp.sink.progress;

import java.util.Optional;

/**
 * Compares the target's stored progress with the topic the sink is about to read. The task seeks to
 * the stored offset + 1; when that record no longer exists (deleted by retention), or the topic is not
 * the one the progress was written from (recreated under the same name), Kafka's consumer would quietly
 * start elsewhere and rows would be skipped or applied twice. Any such mismatch is a failure that says
 * what happened and the two ways out.
 */
public final class PositionCheck {
    private PositionCheck() {
    }

    /** Null when reading can go on from the stored position, otherwise what is wrong (without the ways out). */
    public static String mismatch(Optional<Progress> stored, TopicState topic) {
        String where = "topic " + topic.topic() + " partition " + topic.partition();
        if (stored.isEmpty()) {
            if (topic.logStart() > 0) {
                return "Nothing has been applied on the target yet, but the first " + topic.logStart() + " record(s) of " + where
                        + " were deleted (retention): the start of the change stream, with the snapshot, is gone.";
            }
            return null;
        }
        Progress p = stored.get();
        if (!p.kafka().topic().equals(topic.topic()) || p.kafka().partition() != topic.partition()) {
            return "The target's progress was written while reading topic " + p.kafka().topic() + " partition "
                    + p.kafka().partition() + ", but the sink now reads " + where + ".";
        }
        if (p.topicId() != null && topic.topicId() != null && !p.topicId().equals(topic.topicId())) {
            return "The target's progress was written from a topic with ID " + p.topicId() + ", but " + topic.topic()
                    + " now has ID " + topic.topicId() + ": the topic was deleted and created again, and its offsets say "
                    + "nothing about what the target holds.";
        }
        long next = p.kafka().offset() + 1;
        if (next < topic.logStart()) {
            return "The target has applied up to offset " + p.kafka().offset() + " of " + where + ", but the partition now "
                    + "starts at offset " + topic.logStart() + ": " + (topic.logStart() - next) + " record(s) the target has "
                    + "not applied were deleted (retention), so changes are missing.";
        }
        if (next > topic.logEnd()) {
            return "The target has applied up to offset " + p.kafka().offset() + " of " + where + ", but the partition "
                    + "ends at offset " + topic.logEnd() + ": the topic was recreated or truncated, and its offsets say "
                    + "nothing about what the target holds.";
        }
        return null;
    }

    /** The full failure message: what happened, then the two ways out. */
    public static String failure(String mismatch, String stream, String connector, TopicState topic) {
        return "Stream '" + stream + "': " + mismatch + " Nothing was applied. Two ways out: (1) start over into an empty "
                + "target: `warp finish` (removes the connectors, Connect's source offsets, the sink's consumer group and the "
                + "progress rows), empty the target tables, and start the migration again so that Debezium takes a new "
                + "snapshot; or (2) if you know the target is right, reset the position explicitly: stop the sink (PUT "
                + "/connectors/" + connector + "/stop), PATCH /connectors/" + connector + "/offsets with {\"offsets\":[{"
                + "\"partition\":{\"kafka_topic\":\"" + topic.topic() + "\",\"kafka_partition\":" + topic.partition() + "},"
                + "\"offset\":{\"kafka_offset\":N}}]} where N is the next offset to apply (the sink moves its progress row "
                + "on the target to it; transactions already applied by commit LSN are still skipped), then resume it.";
    }
}
