package io.citus.warp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The share of the replication delay that is upstream of both sinks: for change events read from the topic
 * as they arrive, the Kafka record's time stamp (when the source task produced it) minus the source
 * commit time Debezium puts in {@code source.ts_ms}. Every 10th change event is parsed, to stay cheap.
 * Neither sink's delay can be lower than this.
 */
public final class CaptureDelaySampler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureDelaySampler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Double> samples = new ArrayList<>();
    private volatile boolean recording;
    private volatile boolean positioned;
    private Thread thread;

    public CaptureDelaySampler(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    public CaptureDelaySampler start() throws InterruptedException {
        thread = new Thread(this, "capture-delay-sampler");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!positioned && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return this;
    }

    public void recording(boolean on) {
        recording = on;
    }

    @Override
    public void run() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        TopicPartition partition = new TopicPartition(topic, 0);
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            positioned = true;
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (!recording || record.value() == null || seen++ % 10 != 0) {
                        continue;
                    }
                    JsonNode source = JSON.readTree(record.value()).path("payload").path("source");
                    if (source.has("ts_ms") && !"true".equals(source.path("snapshot").asText())) {
                        double ms = record.timestamp() - source.path("ts_ms").asLong();
                        synchronized (samples) {
                            samples.add(ms);
                        }
                    }
                }
            }
        } catch (Exception e) {
            LOG.error("capture delay sampler failed", e);
        } finally {
            positioned = true;
        }
    }

    public Percentiles stop() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
        synchronized (samples) {
            return Percentiles.of(samples);
        }
    }
}
