package io.citus.warp.sink.value;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.citus.warp.sink.value.Values.TEXT;
import static io.citus.warp.sink.value.Values.assertRefused;
import static io.citus.warp.sink.value.Values.named;
import static io.citus.warp.sink.value.Values.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One-dimensional arrays of any element type; what Debezium corrupts on the way is refused. */
@Tag("unit")
class ArrayTypeTest {

    private static Schema arrayOf(Schema element) {
        return SchemaBuilder.array(element).build();
    }

    static Stream<Arguments> arrays() {
        Schema date = named(Schema.Type.INT32, "io.debezium.time.Date");
        Schema micros = named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp");
        Schema zoned = named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp");
        return Stream.of(
                Arguments.of(arrayOf(Schema.OPTIONAL_INT32_SCHEMA), Arrays.asList(1, null, -3), "integer[]", "{\"1\",NULL,\"-3\"}"),
                Arguments.of(arrayOf(Schema.OPTIONAL_STRING_SCHEMA), Arrays.asList("a,b", "c\"d", null, "NULL", "", " sp ", "back\\slash", "{}"),
                        "text[]", "{\"a,b\",\"c\\\"d\",NULL,\"NULL\",\"\",\" sp \",\"back\\\\slash\",\"{}\"}"),
                Arguments.of(arrayOf(Schema.STRING_SCHEMA), List.of(), "text[]", "{}"),
                Arguments.of(arrayOf(Schema.FLOAT64_SCHEMA), List.of(1.5, -0.0, Double.POSITIVE_INFINITY, Double.NaN), "double precision[]",
                        "{\"1.5\",\"-0.0\",\"Infinity\",\"NaN\"}"),
                Arguments.of(arrayOf(Schema.STRING_SCHEMA), List.of("NAN", "1.10"), "numeric[]", "{\"NaN\",\"1.10\"}"),
                Arguments.of(arrayOf(date), Arrays.asList(11016, null, -141427), "date[]", "{\"2000-02-29\",NULL,\"1582-10-15\"}"),
                Arguments.of(arrayOf(micros), List.of(9223372036825200000L, -9223372036832400000L, 0L), "timestamp without time zone[]",
                        "{\"infinity\",\"-infinity\",\"1970-01-01 00:00:00\"}"),
                Arguments.of(arrayOf(zoned), List.of("1582-10-15T00:00:00Z", "infinity"), "timestamp with time zone[]",
                        "{\"1582-10-15T00:00:00Z\",\"infinity\"}"),
                Arguments.of(arrayOf(Schema.BOOLEAN_SCHEMA), List.of(true, false), "boolean[]", "{\"t\",\"f\"}"),
                Arguments.of(arrayOf(Schema.BYTES_SCHEMA), List.of(new byte[] {0, -1}), "bytea[]", "{\"\\\\x00ff\"}"),
                Arguments.of(arrayOf(arrayOf(Schema.INT32_SCHEMA)), List.of(List.of(1, 2), List.of(3)), null, "{{\"1\",\"2\"},{\"3\"}}"));
    }

    @ParameterizedTest(name = "{2} {3}")
    @MethodSource("arrays")
    void oneDimensionalArrays(Schema schema, List<?> value, String columnType, String expected) {
        assertEquals(expected, text(schema, value, columnType));
    }

    static Stream<Arguments> refused() {
        Schema date = named(Schema.Type.INT32, "io.debezium.time.Date");
        return Stream.of(
                // Julian calendar shift or BC era dropped through java.sql types: any element before 1582-10-15.
                Arguments.of(arrayOf(date), List.of(11016, -141428), "date[]", "1582-10-14"),
                Arguments.of(arrayOf(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp")),
                        List.of(-30610224000000000L), "timestamp without time zone[]", "1000-01-01"),
                Arguments.of(arrayOf(named(Schema.Type.INT64, "io.debezium.time.Timestamp")), List.of(-30610224000000L),
                        "timestamp without time zone[]", "1000-01-01"),
                Arguments.of(arrayOf(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp")),
                        List.of("-0043-03-15T12:00:00Z"), "timestamp with time zone[]", "0043"),
                Arguments.of(arrayOf(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp")),
                        List.of("1000-01-01T00:00:00Z"), "timestamp with time zone[]", "1000-01-01"),
                // Debezium's 'infinity' dates: out of PostgreSQL's range.
                Arguments.of(arrayOf(date), List.of(2145031949), "date[]", "2145031949"),
                // Multi-dimensional: declared so, or an inner array printed as a Java object name.
                Arguments.of(arrayOf(Schema.INT32_SCHEMA), List.of(1, 2), "integer[][]", "{1,2}"),
                Arguments.of(arrayOf(Schema.STRING_SCHEMA), List.of("[Ljava.lang.String;@1b6d3586"), "text[]", "1b6d3586"));
    }

    @ParameterizedTest(name = "{2} {3}")
    @MethodSource("refused")
    void whatDebeziumAltersIsRefusedWithoutTheValue(Schema schema, List<?> value, String columnType, String valueForm) {
        assertRefused(TEXT, schema, value, columnType, valueForm);
    }

    @Test
    void elementsTakeTheArrayColumnsElementType() {
        // numeric[]: Debezium's enum spellings of NaN map back only because the element is known to be numeric.
        assertEquals("{\"NAN\"}", text(arrayOf(Schema.STRING_SCHEMA), List.of("NAN"), "text[]"));
        assertEquals("{\"NAN\"}", text(arrayOf(Schema.STRING_SCHEMA), List.of("NAN"), null));
    }
}
