package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Debezium's Timestamp, MicroTimestamp and NanoTimestamp (timestamp without time zone): milli-, micro- or nanoseconds
 * since 1970-01-01 00:00, written with BC before 1 AD; PgJDBC's infinity constants as 'infinity' and '-infinity'.
 */
public final class TimestampType implements ValueType {
    /** PgJDBC's encodings of timestamp 'infinity' / '-infinity' (PGStatement.DATE_*_INFINITY), in microseconds. */
    static final long MICROS_POSITIVE_INFINITY = 9223372036825200000L;
    static final long MICROS_NEGATIVE_INFINITY = -9223372036832400000L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    public static final TimestampType MILLIS = new TimestampType("io.debezium.time.Timestamp", TimeScale.MILLIS, true);
    public static final TimestampType MICROS = new TimestampType("io.debezium.time.MicroTimestamp", TimeScale.MICROS, true);
    /** Not checked in arrays (the PostgreSQL connector's time.precision.mode never produces it). */
    public static final TimestampType NANOS = new TimestampType("io.debezium.time.NanoTimestamp", TimeScale.NANOS, false);

    private final String name;
    private final TimeScale scale;
    private final boolean checkedInArrays;

    private TimestampType(String name, TimeScale scale, boolean checkedInArrays) {
        this.name = name;
        this.scale = scale;
        this.checkedInArrays = checkedInArrays;
    }

    @Override
    public List<String> registrationKeys() {
        return List.of(name);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return text(scale.micros(value));
    }

    /** Before 1582-10-15 (PgJDBC's '-infinity' excepted). */
    @Override
    public boolean alteredInArrays(Object value) {
        long v = ((Number) value).longValue();
        return checkedInArrays && v != MICROS_NEGATIVE_INFINITY / scale.multiplier
                && v < DateType.GREGORIAN_START_DAY * (MICROS_PER_DAY / scale.multiplier);
    }

    /** Microseconds since the epoch, in UTC, as a timestamp without time zone. */
    static String text(long micros) {
        if (micros == MICROS_POSITIVE_INFINITY) {
            return "infinity";
        }
        if (micros == MICROS_NEGATIVE_INFINITY) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
        return TextForms.withEra(t.getYear(), String.format("-%02d-%02d %02d:%02d:%02d%s", t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), TextForms.fraction(nanos / 1000)));
    }
}
