package io.citus.warp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a topic from the beginning as JSON records (key and value), for assertions on what Debezium produced. */
public final class ChangeTopic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One Kafka record: its offset and its key and value as JSON (JsonConverter with schemas: {schema, payload}). */
    public record Message(long offset, JsonNode key, JsonNode value) {
        public JsonNode payload() {
            return value == null ? null : value.path("payload");
        }

        public String valueSchemaName() {
            return value == null ? null : value.path("schema").path("name").asText(null);
        }

        public boolean isTransactionMarker() {
            return payload() != null && payload().has("status") && payload().has("event_count");
        }

        public boolean isChangeEvent() {
            return payload() != null && payload().has("op");
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Message> seen = new ArrayList<>();

    public ChangeTopic(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        consumer.seekToBeginning(consumer.assignment());
    }

    /** Polls until {@code done} holds for everything read so far; returns all messages read. */
    public List<Message> readUntil(Duration timeout, String what, Predicate<List<Message>> done) {
        return Eventually.await(timeout, what, () -> {
            consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(parse(r)));
            return List.copyOf(seen);
        }, done);
    }

    private static Message parse(ConsumerRecord<String, String> r) {
        try {
            return new Message(r.offset(), r.key() == null ? null : JSON.readTree(r.key()),
                    r.value() == null ? null : JSON.readTree(r.value()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
