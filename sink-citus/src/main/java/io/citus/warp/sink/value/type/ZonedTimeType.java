package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/**
 * Debezium's ZonedTime (time with time zone): converted to UTC on the way, its original offset lost. Refused unless
 * the user accepts UTC-normalised values ({@code timetz.accept.utc}).
 */
public final class ZonedTimeType implements ValueType {
    private final boolean acceptUtc;

    public ZonedTimeType(boolean acceptUtc) {
        this.acceptUtc = acceptUtc;
    }

    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.time.ZonedTime");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        if (!acceptUtc) {
            throw new UnsupportedValueException("Debezium converts time with time zone values to UTC and drops their offset, "
                    + "so the original value cannot be written exactly. Change the column to timestamptz or time on both sides, "
                    + "or set timetz.accept.utc=true to accept UTC-normalised values");
        }
        return (String) value;
    }
}
