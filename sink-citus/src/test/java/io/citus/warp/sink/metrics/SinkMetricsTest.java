package io.citus.warp.sink.metrics;

import io.citus.warp.sink.progress.BaseCopyGate;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the sink registers with Connect, how the hooks move it, and that docs/metrics.md documents exactly that. */
@Tag("unit")
class SinkMetricsTest {
    /** Connect's PluginMetrics, reduced to a map of the registered gauges. */
    static final class RecordingPluginMetrics implements PluginMetrics {
        final Map<String, MetricValueProvider<?>> metrics = new LinkedHashMap<>();

        @Override
        public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
            return new MetricName(name, "plugins", description, tags);
        }

        @Override
        public void addMetric(MetricName name, MetricValueProvider<?> provider) {
            metrics.put(name.name(), provider);
        }

        @Override
        public void removeMetric(MetricName name) {
            metrics.remove(name.name());
        }

        @Override
        public Sensor addSensor(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeSensor(String name) {
            throw new UnsupportedOperationException();
        }

        long value(String name) {
            return ((Number) ((Gauge<?>) metrics.get(name)).value(null, 0)).longValue();
        }
    }

    private static final Schema SOURCE = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("source", SOURCE).build();

    private static SinkRecord change(long offset, long commitTimeMs, long lsn) {
        Struct value = new Struct(ENVELOPE).put("op", "c").put("source", new Struct(SOURCE).put("ts_ms", commitTimeMs).put("lsn", lsn));
        return new SinkRecord("t", 0, null, null, ENVELOPE, value, offset, commitTimeMs + 50, TimestampType.CREATE_TIME);
    }

    @Test
    void everyMetricIsRegisteredOnceWithKafkasNamingAndMovesWithTheHooks() {
        AtomicLong now = new AtomicLong(50_000_000);
        SinkMetrics sink = new SinkMetrics(60_000, now::get);
        RecordingPluginMetrics registry = new RecordingPluginMetrics();
        sink.register(registry);
        assertEquals(SinkMetrics.METRICS.stream().map(SinkMetrics.Metric::name).toList(), List.copyOf(registry.metrics.keySet()));
        for (String name : registry.metrics.keySet()) {
            assertTrue(name.matches("[a-z]+(-[a-z]+)*"), "Kafka's metric naming (lower case, dashes): " + name);
        }
        assertEquals(-1, registry.value("base-copy-ranges"), "no base copy known");
        assertEquals(0, registry.value("held-for-base-copy"));

        sink.baseCopy(new BaseCopyGate.State(false, -1, "attempt 1, 2 of 5 ranges copied", 2, 5, 2_000, 5_000));
        sink.received(List.of(change(7, now.get() - 2_000, 1_000), change(8, now.get() - 1_000, 2_000)));
        now.addAndGet(3_000);
        assertEquals(1, registry.value("held-for-base-copy"));
        assertEquals(2, registry.value("base-copy-ranges-copied"));
        assertEquals(5_000, registry.value("base-copy-rows-estimated"));
        assertEquals(5_000, registry.value("replication-lag-ms"), "source commit of offset 7, 5 s ago, read at scrape time");
        assertEquals(2, registry.value("records-pending"));

        sink.baseCopy(new BaseCopyGate.State(true, 900, "finished", 5, 5, 5_000, 5_000));
        sink.transactionsApplied(2, 6, 2_000, now.get() - 4_000);
        sink.applied(8);
        sink.retried();
        assertEquals(0, registry.value("held-for-base-copy"));
        assertEquals(2, registry.value("transactions-applied-total"));
        assertEquals(6, registry.value("changes-applied-total"));
        assertEquals(1, registry.value("target-commits-total"));
        assertEquals(1, registry.value("retries-total"));
        assertEquals(2_000, registry.value("last-applied-commit-lsn"));
        assertEquals(now.get(), registry.value("last-apply-time-ms"));
        assertEquals(0, registry.value("replication-lag-ms"));
        assertEquals(0, registry.value("records-pending"));
        sink.close();
    }

    @Test
    void docsMetricsTableListsExactlyTheRegisteredMetrics() throws IOException {
        Path doc = Paths.get("..", "docs", "metrics.md");
        String text = Files.readString(doc);
        Matcher m = Pattern.compile("^\\| `([a-z-]+)` \\|", Pattern.MULTILINE).matcher(text.substring(0, text.indexOf("## Debezium")));
        Set<String> documented = new TreeSet<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> registered = SinkMetrics.METRICS.stream().map(SinkMetrics.Metric::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(registered, documented, "docs/metrics.md's sink table");
    }
}
