package io.citus.warp.sink.value;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;

import static io.citus.warp.sink.value.Values.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Integers, floats and decimals: every digit kept, special values spelled as PostgreSQL reads them. */
@Tag("unit")
class NumberTypesTest {
    private static final Schema VARIABLE_SCALE = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
            .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(textBlock = """
            INT8,  -128
            INT16, -32768
            INT32, 2147483647
            INT64, -9223372036854775808
            INT64, 4294967295
            """)
    void integers(Schema.Type type, String value) {
        Object v = switch (type) {
            case INT8 -> Byte.parseByte(value);
            case INT16 -> Short.parseShort(value);
            case INT32 -> Integer.parseInt(value);
            default -> Long.parseLong(value);
        };
        assertEquals(value, text(new SchemaBuilder(type).build(), v, "bigint"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            NaN,            NaN
            Infinity,       Infinity
            -Infinity,      -Infinity
            -0.0,           -0.0
            3.4028235e38,   3.4028235E38
            1.5,            1.5
            """)
    void float32(float value, String expected) {
        assertEquals(expected, text(Schema.FLOAT32_SCHEMA, value, "real"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            NaN,                      NaN
            Infinity,                 Infinity
            -Infinity,                -Infinity
            -0.0,                     -0.0
            1e-308,                   1.0E-308
            1.7976931348623157e308,   1.7976931348623157E308
            0.1,                      0.1
            """)
    void float64(double value, String expected) {
        assertEquals(expected, text(Schema.FLOAT64_SCHEMA, value, "double precision"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            1.50,       1.50
            1E+3,       1000
            -0.0001,    -0.0001
            123456789012345678901234567890.123456789012345678901234567890, 123456789012345678901234567890.123456789012345678901234567890
            """)
    void connectDecimal(BigDecimal value, String expected) {
        assertEquals(expected, text(Decimal.schema(value.scale()), value, "numeric"));
    }

    @ParameterizedTest(name = "{0} scale {1} -> {2}")
    @CsvSource(textBlock = """
            12345,                            2,  123.45
            -1,                               0,  -1
            0,                                5,  0.00000
            123456789012345678901234567890,   20, 1234567890.12345678901234567890
            """)
    void debeziumVariableScaleDecimal(BigInteger unscaled, int scale, String expected) {
        Struct value = new Struct(VARIABLE_SCALE).put("scale", scale).put("value", unscaled.toByteArray());
        assertEquals(expected, text(VARIABLE_SCALE, value, "numeric"));
    }

    /** decimal.handling.mode=string spells numeric's special values as Java enum names; only numeric columns map them. */
    @ParameterizedTest(name = "{0} into {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            NAN                  | numeric       | NaN
            POSITIVE_INFINITY    | numeric(10,2) | Infinity
            NEGATIVE_INFINITY    | numeric       | -Infinity
            -12.50               | numeric       | -12.50
            NAN                  | text          | NAN
            92233720368547758.07 | money         | 92233720368547758.07
            """)
    void numericAsString(String value, String columnType, String expected) {
        assertEquals(expected, text(Schema.STRING_SCHEMA, value, columnType));
    }
}
