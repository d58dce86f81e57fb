package io.citus.warp.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
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
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

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
            try {
                admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
                log.accept("created topic " + topic + " (" + partitions + " partition, " + configs + ")");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    notCreated(topic, e.getCause(), log);
                } else if (configs.containsKey(MAX_MESSAGE_BYTES)) {
                    raiseMessageLimit(admin, topic, Long.parseLong(configs.get(MAX_MESSAGE_BYTES)), log);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            notCreated(topic, e, log);
        }
    }

    /**
     * A topic made earlier (by hand, or by a version that did not set it) may hold the broker's default limit of about
     * 1 MB per record batch, which stops the first larger row; raise it to what the source config asks for.
     */
    private static void raiseMessageLimit(Admin admin, String topic, long wanted, Consumer<String> log)
            throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            ConfigEntry current = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(MAX_MESSAGE_BYTES);
            if (current != null && current.value() != null && Long.parseLong(current.value()) >= wanted) {
                return;
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(MAX_MESSAGE_BYTES, Long.toString(wanted)), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            log.accept("raised " + MAX_MESSAGE_BYTES + " of the existing topic " + topic + " from "
                    + (current == null ? "the broker's default" : current.value()) + " to " + wanted);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            Throwable why = e instanceof ExecutionException ? e.getCause() : e;
            log.accept("could not check or raise " + MAX_MESSAGE_BYTES + " of the existing topic " + topic + " ("
                    + why.getClass().getSimpleName() + "); rows larger than its limit will stop the source connector: set it to "
                    + wanted + " (kafka-configs.sh --alter --entity-type topics --entity-name " + topic + " --add-config "
                    + MAX_MESSAGE_BYTES + "=" + wanted + ")");
        }
    }

    private static void notCreated(String topic, Throwable why, Consumer<String> log) {
        log.accept("could not create topic " + topic + " (" + why.getClass().getSimpleName()
                + "); the source connector creates it at its first record");
    }
}
