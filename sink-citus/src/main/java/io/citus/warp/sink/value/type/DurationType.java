package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** Debezium's MicroDuration and NanoDuration (interval.handling.mode=numeric): a month counted as 30 days. Refused. */
public final class DurationType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.time.MicroDuration", "io.debezium.time.NanoDuration");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        throw new UnsupportedValueException("intervals arrive as a number of microseconds (interval.handling.mode=numeric), "
                + "which counts a month as 30 days and cannot be written exactly; set interval.handling.mode=string on the source");
    }
}
