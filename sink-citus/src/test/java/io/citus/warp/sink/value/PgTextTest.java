package io.citus.warp.sink.value;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.citus.warp.sink.value.Values.TEXT;
import static io.citus.warp.sink.value.Values.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry: a value is written by the type its schema names, else by its Connect type; NULL stays NULL. */
@Tag("unit")
class PgTextTest {
    private static final String PLACEHOLDER = PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER;

    @Test
    void nullIsSqlNullForEveryType() {
        assertNull(TEXT.encode(named(Schema.Type.INT32, "io.debezium.time.Date"), null, Values.column("date")));
        assertNull(TEXT.encode(Schema.OPTIONAL_STRING_SCHEMA, null, null));
    }

    @Test
    void aKnownNameWinsOverTheConnectTypeAndAnUnknownOneFallsBackToIt() {
        assertEquals("1970-01-02", TEXT.encode(named(Schema.Type.INT32, "io.debezium.time.Date"), 1, null));
        assertEquals("1", TEXT.encode(named(Schema.Type.INT32, "io.debezium.data.SomethingNew"), 1, null));
        assertEquals("x", TEXT.encode(named(Schema.Type.STRING, "io.debezium.data.Enum"), "x", null));
    }

    @Test
    void debeziumsPlaceholderForAnUnchangedToastedValueIsRecognisedInEveryForm() {
        byte[] bytes = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
        assertTrue(TEXT.isUnavailable(PLACEHOLDER));
        assertTrue(TEXT.isUnavailable(bytes));
        assertTrue(TEXT.isUnavailable(ByteBuffer.wrap(bytes)));
        assertTrue(TEXT.isUnavailable(List.of(PLACEHOLDER)));
        assertTrue(TEXT.isUnavailable(Map.of(PLACEHOLDER, PLACEHOLDER)));
        assertFalse(TEXT.isUnavailable("x"));
        assertFalse(TEXT.isUnavailable(List.of(PLACEHOLDER, PLACEHOLDER)));
        assertFalse(TEXT.isUnavailable(42));
        assertFalse(new PgText("other", false).isUnavailable(PLACEHOLDER));
    }

    @Test
    void aStructWithoutNameIsRefused() {
        Schema s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
        Values.assertRefused(TEXT, s, new org.apache.kafka.connect.data.Struct(s).put("a", 7), null);
    }
}
