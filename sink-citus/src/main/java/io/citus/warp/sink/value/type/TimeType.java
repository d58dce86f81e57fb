package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** Debezium's Time, MicroTime and NanoTime: a time of day in milli-, micro- or nanoseconds since midnight. */
public final class TimeType implements ValueType {
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    public static final TimeType MILLIS = new TimeType("io.debezium.time.Time", TimeScale.MILLIS);
    public static final TimeType MICROS = new TimeType("io.debezium.time.MicroTime", TimeScale.MICROS);
    public static final TimeType NANOS = new TimeType("io.debezium.time.NanoTime", TimeScale.NANOS);

    private final String name;
    private final TimeScale scale;

    private TimeType(String name, TimeScale scale) {
        this.name = name;
        this.scale = scale;
    }

    @Override
    public List<String> registrationKeys() {
        return List.of(name);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return text(scale.micros(value));
    }

    /** Microseconds since midnight; PostgreSQL's time goes up to 24:00:00 inclusive. */
    static String text(long micros) {
        if (micros < 0 || micros > MICROS_PER_DAY) {
            throw new UnsupportedValueException("the time of day is outside 00:00:00 to 24:00:00, so it is no value of a "
                    + "PostgreSQL time column. Check the source connector's time.precision.mode (adaptive_time_microseconds)");
        }
        long seconds = micros / 1_000_000;
        return String.format("%02d:%02d:%02d%s", seconds / 3600, (seconds / 60) % 60, seconds % 60,
                TextForms.fraction(micros % 1_000_000));
    }
}
