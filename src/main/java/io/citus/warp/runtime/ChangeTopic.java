package io.citus.warp.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Creates the migration's change topic before the connectors are deployed, with the settings the source config asks
 * Connect to create it with ({@code topic.creation.default.*}: one partition, never expired). Otherwise Connect creates
 * it at Debezium's first record: with the base copy on a quiet source that is after the copy, and the sink then waits
 * for the new topic's metadata and its partition assignment on the critical path; and a sink consumer subscribing
 * first on a broker with auto-creation on would create it with the broker's defaults. Best effort: without Kafka
 * access (no --bootstrap-servers, no ACL to create topics) Connect creates it as before.
 */
public final class ChangeTopic {
    private static final String PREFIX = "topic.creation.default.";

    private ChangeTopic() {
    }

    /** Creates {@code topic} as {@code sourceConfig}'s topic-creation settings describe, unless it exists. */
    public static void ensure(KafkaClients kafka, String topic, Map<String, String> sourceConfig, Consumer<String> log) {
        if (kafka == null || !kafka.known()) {
            return;
        }
        int partitions = Integer.parseInt(sourceConfig.getOrDefault(PREFIX + "partitions", "1"));
        short replication = Short.parseShort(sourceConfig.getOrDefault(PREFIX + "replication.factor", "-1"));
        Map<String, String> configs = new HashMap<>();
        sourceConfig.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                String key = k.substring(PREFIX.length());
                if (!key.equals("partitions") && !key.equals("replication.factor") && !key.equals("include")
                        && !key.equals("exclude")) {
                    configs.put(key, v);
                }
            }
        });
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replication < 0 ? Optional.empty() : Optional.of(replication))
                .configs(configs);
        try (Admin admin = kafka.admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            admin.createTopics(java.util.List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
            log.accept("created topic " + topic + " (" + partitions + " partition, " + configs + ")");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                notCreated(topic, e.getCause(), log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            notCreated(topic, e, log);
        }
    }

    private static void notCreated(String topic, Throwable why, Consumer<String> log) {
        log.accept("could not create topic " + topic + " (" + why.getClass().getSimpleName()
                + "); the source connector creates it at its first record");
    }
}
