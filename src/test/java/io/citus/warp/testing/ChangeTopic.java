package io.citus.warp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

    /** Reads up to the partition's current end offset; returns all messages read so far. */
    public List<Message> readToEnd(Duration timeout) {
        TopicPartition tp = consumer.assignment().iterator().next();
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        return readUntil(timeout, "offset " + end, all -> consumer.position(tp) >= end);
    }

    /**
     * Appends copies of the records in [from, to] to the end of the topic, byte for byte with their
     * headers: what Debezium's at-least-once delivery produces after a crash.
     */
    public static void reappend(String bootstrapServers, String topic, long from, long to) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> writer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            reader.assign(List.of(tp));
            reader.seek(tp, from);
            long next = from;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (next <= to && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    if (r.offset() > to) {
                        break;
                    }
                    writer.send(new ProducerRecord<>(topic, 0, null, r.key(), r.value(), r.headers()));
                    next = r.offset() + 1;
                }
            }
            writer.flush();
            if (next <= to) {
                throw new AssertionError("could not re-read offsets " + from + ".." + to + " of " + topic);
            }
        }
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
