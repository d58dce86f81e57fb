package io.citus.warp.sink.value;

import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Date;

import static io.citus.warp.sink.value.Values.TEXT;
import static io.citus.warp.sink.value.Values.TIMETZ_AS_UTC;
import static io.citus.warp.sink.value.Values.assertRefused;
import static io.citus.warp.sink.value.Values.named;
import static io.citus.warp.sink.value.Values.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Dates, times, timestamps and intervals, in PostgreSQL's text form: eras, fractions, infinities, range ends. */
@Tag("unit")
class TimeTypesTest {
    private static final Schema DATE = named(Schema.Type.INT32, "io.debezium.time.Date");

    @ParameterizedTest(name = "day {0} -> {1}")
    @CsvSource(textBlock = """
            0,          1970-01-01
            11016,      2000-02-29
            -141427,    1582-10-15
            -141428,    1582-10-14
            -719162,    0001-01-01
            -719163,    0001-12-31 BC
            -719528,    0001-01-01 BC
            -2440588,   4714-11-24 BC
            """)
    void debeziumDate(int epochDay, String expected) {
        assertEquals(expected, text(DATE, epochDay, "date"));
    }

    /** Debezium's encoding of 'infinity' and '-infinity' dates: outside PostgreSQL's range. */
    @ParameterizedTest(name = "day {0}")
    @CsvSource({"2145031949", "-2440589", "2147483647", "-2147483648"})
    void debeziumDateOutsidePostgresRangeIsRefused(int epochDay) {
        assertRefused(TEXT, DATE, epochDay, "date");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(textBlock = """
            io.debezium.time.MicroTime, 0,            00:00:00
            io.debezium.time.MicroTime, 1,            00:00:00.000001
            io.debezium.time.MicroTime, 45296789012,  12:34:56.789012
            io.debezium.time.MicroTime, 86399999999,  23:59:59.999999
            io.debezium.time.MicroTime, 86400000000,  24:00:00
            io.debezium.time.Time,      1,            00:00:00.001
            io.debezium.time.Time,      43200000,     12:00:00
            io.debezium.time.NanoTime,  1999,         00:00:00.000001
            io.debezium.time.NanoTime,  86400000000000, 24:00:00
            """)
    void debeziumTimes(String name, long value, String expected) {
        assertEquals(expected, text(named(Schema.Type.INT64, name), value, "time without time zone"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(textBlock = """
            io.debezium.time.MicroTime, -1
            io.debezium.time.MicroTime, 86400000001
            io.debezium.time.Time,      86400001
            """)
    void aTimeOfDayOutOfRangeIsRefused(String name, long value) {
        assertRefused(TEXT, named(Schema.Type.INT64, name), value, "time without time zone");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(textBlock = """
            io.debezium.time.MicroTimestamp, 0,                      1970-01-01 00:00:00
            io.debezium.time.MicroTimestamp, -1,                     1969-12-31 23:59:59.999999
            io.debezium.time.MicroTimestamp, 946684800123000,        2000-01-01 00:00:00.123
            io.debezium.time.MicroTimestamp, 253402300799999000,     9999-12-31 23:59:59.999
            io.debezium.time.MicroTimestamp, -210863520000000000,    4713-01-01 00:00:00 BC
            io.debezium.time.MicroTimestamp, 9223372036825200000,    infinity
            io.debezium.time.MicroTimestamp, -9223372036832400000,   -infinity
            io.debezium.time.Timestamp,      1,                      1970-01-01 00:00:00.001
            io.debezium.time.Timestamp,      -62135596800000,        0001-01-01 00:00:00
            io.debezium.time.NanoTimestamp,  1999,                   1970-01-01 00:00:00.000001
            io.debezium.time.NanoTimestamp,  -1,                     1969-12-31 23:59:59.999999
            """)
    void debeziumTimestamps(String name, long value, String expected) {
        assertEquals(expected, text(named(Schema.Type.INT64, name), value, "timestamp without time zone"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            2024-03-31T01:59:59Z,             2024-03-31T01:59:59Z
            2024-10-27T00:30:00.000001Z,      2024-10-27T00:30:00.000001Z
            infinity,                         infinity
            -infinity,                        -infinity
            -0043-03-15T12:00:00.000001Z,     0044-03-15 12:00:00.000001+00 BC
            +10000-01-01T00:00:00Z,           10000-01-01 00:00:00+00
            +10000-01-01T00:00:00.5+05:30,    10000-01-01 00:00:00.5+05:30
            """)
    void debeziumZonedTimestamp(String iso, String expected) {
        assertEquals(expected, text(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"), iso, "timestamp with time zone"));
    }

    /** How Debezium encodes 'infinity' inside timestamptz arrays: a year PostgreSQL cannot hold. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"+294277-01-01T00:00:00Z", "-4714-01-01T00:00:00Z", "+292278994-08-17T07:12:55.807Z"})
    void aZonedTimestampOutsidePostgresRangeIsRefused(String iso) {
        assertRefused(TEXT, named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"), iso, "timestamp with time zone");
    }

    @Test
    void debeziumZonedTimeIsRefusedUnlessUtcIsAccepted() {
        Schema timetz = named(Schema.Type.STRING, "io.debezium.time.ZonedTime");
        assertRefused(TEXT, timetz, "11:51:30.123789Z", "time with time zone", "11:51:30");
        assertEquals("11:51:30.123789Z", TIMETZ_AS_UTC.encode(timetz, "11:51:30.123789Z", Values.column("time with time zone")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"io.debezium.time.MicroDuration", "io.debezium.time.NanoDuration"})
    void debeziumNumericDurationsAreRefused(String name) {
        assertRefused(TEXT, named(Schema.Type.INT64, name), 2_592_000_000_000L, "interval");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            0,               1970-01-01
            -86400000,       1969-12-31
            951782400000,    2000-02-29
            """)
    void connectDate(long millis, String expected) {
        assertEquals(expected, text(org.apache.kafka.connect.data.Date.SCHEMA, new Date(millis), "date"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            0,          00:00:00
            3600000,    01:00:00
            45296789,   12:34:56.789
            """)
    void connectTime(long millis, String expected) {
        assertEquals(expected, text(org.apache.kafka.connect.data.Time.SCHEMA, new Date(millis), "time without time zone"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            0,               1970-01-01 00:00:00
            1,               1970-01-01 00:00:00.001
            -1,              1969-12-31 23:59:59.999
            """)
    void connectTimestamp(long millis, String expected) {
        assertEquals(expected, text(org.apache.kafka.connect.data.Timestamp.SCHEMA, new Date(millis), "timestamp without time zone"));
    }
}
