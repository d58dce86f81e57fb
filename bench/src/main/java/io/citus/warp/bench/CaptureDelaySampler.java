package io.citus.warp.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;
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
 * commit time Debezium puts in {@code source.ts_ms}. Every 10th change event is decoded (with the sink's own value
 * converter, so any wire format), to stay cheap. Neither sink's delay can be lower than this. It also adds up the
 * serialized size of every record it sees while recording (key, value and headers, before the producer's compression).
 */
public final class CaptureDelaySampler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureDelaySampler.class);
    private final String bootstrapServers;
    private final String topic;
    private final Converter values;
    private long records;
    private long serializedBytes;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Double> samples = new ArrayList<>();
    private volatile boolean recording;
    private volatile boolean positioned;
    private Thread thread;

    public CaptureDelaySampler(String bootstrapServers, Connectors connectors) {
        this.bootstrapServers = bootstrapServers;
        this.topic = connectors.topic();
        this.values = connectors.sinkValueConverter();
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
                    if (!recording) {
                        continue;
                    }
                    synchronized (samples) {
                        records++;
                        serializedBytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                        for (var header : record.headers()) {
                            serializedBytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
                        }
                    }
                    if (record.value() == null || seen++ % 10 != 0) {
                        continue;
                    }
                    Object value = values.toConnectData(topic, record.value()).value();
                    if (!(value instanceof Struct envelope) || envelope.schema().field("source") == null
                            || envelope.getStruct("source") == null) {
                        continue;
                    }
                    Struct source = envelope.getStruct("source");
                    Object snapshot = source.schema().field("snapshot") == null ? null : source.get("snapshot");
                    if (source.schema().field("ts_ms") != null && source.get("ts_ms") instanceof Number ts
                            && !"true".equals(String.valueOf(snapshot))) {
                        double ms = record.timestamp() - ts.longValue();
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

    /** Serialized bytes per record (key + value + headers, uncompressed) of the records seen while recording; NaN if none. */
    public double serializedBytesPerRecord() {
        synchronized (samples) {
            return records == 0 ? Double.NaN : (double) serializedBytes / records;
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
