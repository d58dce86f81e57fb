package io.citus.warp.migration;

import java.util.Locale;

/**
 * The names derived from a migration's name (--name): its connectors, replication slot and publication, change topic,
 * the sink's progress stream and consumer group. Every step of a migration, and a second run under the same name,
 * finds what the first left by these names alone.
 */
public record MigrationNames(String name) {
    public String sourceConnector() {
        return "warp-" + name + "-source";
    }

    public String sinkConnector() {
        return "warp-" + name + "-sink";
    }

    /** The base-copy connector, when the copy runs inside Connect (connectors/config/base-copy.json). */
    public String copyConnector() {
        return "warp-" + name + "-copy";
    }

    public String slot() {
        return "warp_" + name.replace('-', '_').toLowerCase(Locale.ROOT);
    }

    public String publication() {
        return slot();
    }

    public String topicPrefix() {
        return "warp-" + name;
    }

    public String topic() {
        return topicPrefix() + ".changes";
    }

    /** The sink's progress stream: its topic name, the sink's default. */
    public String stream() {
        return topic();
    }

    public String consumerGroup() {
        return "connect-" + sinkConnector();
    }
}
