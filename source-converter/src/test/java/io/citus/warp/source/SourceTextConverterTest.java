package io.citus.warp.source;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.jdbc.PgArray;
import org.postgresql.util.PGobject;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which columns the converter takes, and the text it hands on for each kind of value Debezium gives it. */
@Tag("unit")
class SourceTextConverterTest {

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
            "23, int4, false",
            "1007, _int4, false",
            "25, text, false",
            "3904, int4range, false",
            "3905, _int4range, true",
            "4451, int4multirange, true",
            "6150, _int4multirange, true",
            "4536, int8multirange, true",
            "16384, mood, true",
            "16385, _mood, true",
            "-2, an OID above 2^31 (a negative int), true",
    })
    void takesUserTypesArraysOfThemAndBuiltInsWithoutAnExactConverter(int oid, String type, boolean taken) {
        AtomicReference<SchemaBuilder> registered = new AtomicReference<>();
        new SourceTextConverter().converterFor(column(oid, type, true), (schema, converter) -> registered.set(schema));
        assertEquals(taken, registered.get() != null);
        if (taken) {
            assertEquals(SourceText.SCHEMA_NAME, registered.get().name());
            assertEquals(Schema.Type.STRING, registered.get().type());
            assertTrue(registered.get().isOptional());
        }
    }

    @Test
    void aNotNullColumnGetsARequiredSchema() {
        AtomicReference<SchemaBuilder> registered = new AtomicReference<>();
        new SourceTextConverter().converterFor(column(16400, "mood", false), (schema, converter) -> registered.set(schema));
        assertTrue(!registered.get().isOptional());
    }

    @Test
    void handsOnTheSourcesTextWhateverDebeziumWrappedItIn() throws SQLException {
        SourceTextConverter converter = new SourceTextConverter();
        RelationalColumn c = column(16400, "_mood", true);
        // Streaming: the text itself (enums, unknown types) or a PgArray over the text.
        assertEquals("it's \"complicated\"", converter.text("it's \"complicated\"", c));
        String array = "{sad,NULL,\"it's \\\"complicated\\\"\",\"a,b\",\"{braces}\",\"back\\\\slash\",\" spaced \",\"NULL\"}";
        assertEquals(array, converter.text(new PgArray(null, 16400, array), c));
        // Snapshot: PGobject for composites, ranges, multiranges.
        PGobject composite = new PGobject();
        composite.setType("pair");
        composite.setValue("(1,\"x \"\"y\"\", (z)\")");
        assertEquals("(1,\"x \"\"y\"\", (z)\")", converter.text(composite, c));
        assertEquals("", converter.text("", c));
        assertNull(converter.text(null, c));
        // Snapshot: hstore as PgJDBC's Map of its pairs.
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("a", "1");
        pairs.put("b c", null);
        pairs.put("q\"uote", "x=>y\\");
        assertEquals("\"a\"=>\"1\", \"b c\"=>NULL, \"q\\\"uote\"=>\"x=>y\\\\\"", converter.text(pairs, c));
        assertEquals("", converter.text(Map.of(), c));
    }

    @Test
    void anUnchangedToastedValueBecomesTheConfiguredPlaceholder() {
        SourceTextConverter converter = new SourceTextConverter();
        RelationalColumn c = column(16400, "_mood", true);
        assertEquals(SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER, converter.text(new Object(), c));
        Properties props = new Properties();
        props.setProperty(SourceTextConverter.PLACEHOLDER_SETTING, "__unchanged");
        converter.configure(props);
        assertEquals("__unchanged", converter.text(new Object(), c));
    }

    @Test
    void refusesAValueThatIsNotText() {
        RelationalColumn c = column(16400, "mood", true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SourceTextConverter().text(42, c));
        assertTrue(e.getMessage().contains("s.t.col of type mood"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Integer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SourceTextConverter().text(new byte[] {1}, c));
    }

    @Test
    void registersTheConverterItUsesForValues() {
        AtomicReference<CustomConverter.Converter> registered = new AtomicReference<>();
        new SourceTextConverter().converterFor(column(16400, "mood", true), (schema, converter) -> registered.set(converter));
        assertEquals("ok", registered.get().convert("ok"));
        assertEquals(SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER, registered.get().convert(new Object()));
    }

    private static RelationalColumn column(int nativeType, String typeName, boolean optional) {
        return new RelationalColumn() {
            @Override
            public String name() {
                return "col";
            }

            @Override
            public String dataCollection() {
                return "s.t";
            }

            @Override
            public int jdbcType() {
                return java.sql.Types.OTHER;
            }

            @Override
            public int nativeType() {
                return nativeType;
            }

            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            public String typeExpression() {
                return typeName;
            }

            @Override
            public OptionalInt length() {
                return OptionalInt.empty();
            }

            @Override
            public OptionalInt scale() {
                return OptionalInt.empty();
            }

            @Override
            public boolean isOptional() {
                return optional;
            }

            @Override
            public Object defaultValue() {
                return null;
            }

            @Override
            public boolean hasDefaultValue() {
                return false;
            }
        };
    }
}
