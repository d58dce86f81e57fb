package io.citus.warp.sink.metrics;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The source commit time and LSN a record carries, read for the lag metrics before the record is decoded (records held
 * for the base copy are never decoded until it ends): a change event's {@code source.ts_ms} and {@code source.lsn}, a
 * transaction marker's or heartbeat's {@code ts_ms}; otherwise the record's Kafka timestamp (when Debezium produced it).
 */
final class RecordSourceTime {
    private RecordSourceTime() {
    }

    static long timeMs(SinkRecord record) {
        if (record.value() instanceof Struct value) {
            Struct source = struct(value, "source");
            long ts = source == null ? -1 : longField(source, "ts_ms");
            if (ts < 0) {
                ts = longField(value, "ts_ms");
            }
            if (ts >= 0) {
                return ts;
            }
        }
        Long kafkaTime = record.timestamp();
        return kafkaTime == null ? -1 : kafkaTime;
    }

    static long lsn(SinkRecord record) {
        if (record.value() instanceof Struct value) {
            Struct source = struct(value, "source");
            if (source != null) {
                return longField(source, "lsn");
            }
        }
        return -1;
    }

    private static Struct struct(Struct s, String name) {
        Field f = s.schema().field(name);
        return f != null && s.get(f) instanceof Struct child ? child : null;
    }

    private static long longField(Struct s, String name) {
        Field f = s.schema().field(name);
        return f != null && s.get(f) instanceof Number n ? n.longValue() : -1;
    }
}
