package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.time.LocalDate;
import java.util.List;

/** Debezium's Date: days since 1970-01-01, written with BC before 1 AD. */
public final class DateType implements ValueType {
    public static final String NAME = "io.debezium.time.Date";
    /** 1582-10-15, the first Gregorian day, as days since 1970-01-01. */
    public static final int GREGORIAN_START_DAY = -141427;
    /** PostgreSQL's date range: 4714-11-24 BC to 5874897-12-31, as days since 1970-01-01. */
    private static final long MIN_EPOCH_DAY = -2_440_588;
    private static final long MAX_EPOCH_DAY = 2_145_031_948;

    @Override
    public List<String> registrationKeys() {
        return List.of(NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return text(((Number) value).intValue());
    }

    @Override
    public boolean alteredInArrays(Object value) {
        return ((Number) value).intValue() < GREGORIAN_START_DAY;
    }

    static String text(int epochDay) {
        if (epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) {
            throw new UnsupportedValueException("the date is outside PostgreSQL's date range: this is how Debezium encodes the "
                    + "dates 'infinity' and '-infinity', which it cannot carry exactly. Replace them on the source, or change "
                    + "the column to text on both sides");
        }
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        return TextForms.withEra(d.getYear(), String.format("-%02d-%02d", d.getMonthValue(), d.getDayOfMonth()));
    }
}
