package io.citus.warp.sink.value;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.citus.warp.sink.value.Values.TEXT;
import static io.citus.warp.sink.value.Values.assertRefused;
import static io.citus.warp.sink.value.Values.named;
import static io.citus.warp.sink.value.Values.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Strings, booleans, bytes, bit strings, hstore and points. */
@Tag("unit")
class TextAndBinaryTypesTest {

    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            'tab\there'                     | text
            ''                              | varchar(10)
            'it''s "x" \\ back'             | text
            '{"a": [1, 2.50, 1e400]}'       | jsonb
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' | uuid
            """)
    void stringsArriveAsTheyAre(String value, String columnType) {
        assertEquals(value, text(Schema.STRING_SCHEMA, value, columnType));
        assertEquals(value, text(named(Schema.Type.STRING, "io.debezium.data.Json"), value, columnType), "an unknown name: its Connect type");
    }

    /** hstore.handling.mode=json gives a JSON object; hstore reads "k"=>"v" pairs. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            '{"a":"1","b c":null}'          | '"a"=>"1", "b c"=>NULL'
            '{"q\\"uote":"x=>y","":""}'     | '"q\\"uote"=>"x=>y", ""=>""'
            '{}'                            | ''
            """)
    void hstoreFromJson(String json, String expected) {
        assertEquals(expected, text(Schema.STRING_SCHEMA, json, "hstore"));
    }

    @Test
    void hstoreThatIsNotJsonIsRefused() {
        assertRefused(TEXT, Schema.STRING_SCHEMA, "{\"secret\": ", "hstore", "secret");
    }

    @Test
    void hstoreFromAConnectMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("a", "1");
        map.put("b\"c", null);
        map.put("", "x\\y");
        assertEquals("\"a\"=>\"1\", \"b\\\"c\"=>NULL, \"\"=>\"x\\\\y\"",
                text(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build(), map, "hstore"));
    }

    @ParameterizedTest(name = "{0} into {1} -> {2}")
    @CsvSource(textBlock = """
            true,  boolean, t
            false, boolean, f
            true,  bit(1),  1
            false, bit(1),  0
            true,  ,        t
            """)
    void booleans(boolean value, String columnType, String expected) {
        assertEquals(expected, text(Schema.BOOLEAN_SCHEMA, value, columnType));
    }

    @ParameterizedTest(name = "{0} into {1} -> {2}")
    @CsvSource(textBlock = """
            00ff5c0a,   bytea, \\x00ff5c0a
            '',         bytea, \\x
            00ff,       ,      \\x00ff
            """)
    void byteaInHexForm(String hex, String columnType, String expected) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(expected, text(Schema.BYTES_SCHEMA, bytes, columnType));
        assertEquals(expected, text(Schema.BYTES_SCHEMA, ByteBuffer.wrap(bytes), columnType), "a ByteBuffer alike");
    }

    /** include.unknown.datatypes: a type Debezium does not know arrives as the bytes of its text. */
    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {1,-1,0}              | line
            ((0,0),(1,1),(2,0))   | polygon
            <(1,2),3.5>           | circle
            """)
    void unknownTypesArriveAsTheirText(String value, String columnType) {
        assertEquals(value, text(Schema.BYTES_SCHEMA, value.getBytes(StandardCharsets.UTF_8), columnType));
    }

    /** Debezium's Bits: little-endian bytes (BitSet order), the declared length as a parameter. */
    @ParameterizedTest(name = "{0} length {1} -> {2}")
    @CsvSource(textBlock = """
            81,     8,  10000001
            0104,   12, 010000000001
            00,     12, 000000000000
            ff0f,   12, 111111111111
            01,     ,   00000001
            """)
    void debeziumBits(String hex, String length, String expected) {
        SchemaBuilder bits = SchemaBuilder.bytes().name("io.debezium.data.Bits");
        if (length != null) {
            bits.parameter("length", length);
        }
        assertEquals(expected, text(bits.build(), HexFormat.of().parseHex(hex), "bit(" + expected.length() + ")"));
    }

    /** bit varying: Debezium does not carry the value's own length ('0011' and '11' arrive alike). */
    @Test
    void bitVaryingIsRefused() {
        assertRefused(TEXT, SchemaBuilder.bytes().name("io.debezium.data.Bits").parameter("length", "8").build(),
                new byte[] {3}, "bit varying(8)");
        assertRefused(TEXT, Schema.BOOLEAN_SCHEMA, true, "bit varying(1)");
    }

    @ParameterizedTest(name = "({0},{1})")
    @CsvSource(textBlock = """
            1.5,     -2.25,    '(1.5,-2.25)'
            0,       -0.0,     '(0.0,-0.0)'
            1e-300,  1e300,    '(1.0E-300,1.0E300)'
            NaN,     Infinity, '(NaN,Infinity)'
            """)
    void debeziumPoint(double x, double y, String expected) {
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point")
                .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        assertEquals(expected, text(point, new Struct(point).put("x", x).put("y", y), "point"));
    }

    @Test
    void anUnknownStructIsRefused() {
        Schema s = SchemaBuilder.struct().name("io.debezium.data.geometry.Geometry").field("wkb", Schema.BYTES_SCHEMA).build();
        assertRefused(TEXT, s, new Struct(s).put("wkb", new byte[] {1}), "geometry");
    }
}
