package io.citus.warp.convert;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cached-schema fast path gives exactly what the reference path (JsonConverter + float repair) gives. */
@Tag("unit")
class EnvelopeReaderTest {
    private static final Schema ENVELOPE = RandomRows.ENVELOPE;

    @Test
    void randomRowsReadTheSameOnBothPaths() {
        ExactJsonConverter writer = new ExactJsonConverter();
        writer.configure(Map.of("schemas.enable", "true"), false);
        ExactJsonConverter reader = new ExactJsonConverter();
        reader.configure(Map.of("schemas.enable", "true"), false);
        EnvelopeReader fast = new EnvelopeReader();
        org.apache.kafka.connect.json.JsonConverter plainWriter = new org.apache.kafka.connect.json.JsonConverter();
        plainWriter.configure(Map.of("schemas.enable", "true", "replace.null.with.default", "false"), false);
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            Struct envelope = new Struct(ENVELOPE).put("after", RandomRows.row(random)).put("op", "c")
                    .put("before", random.nextBoolean() ? null : RandomRows.row(random));
            byte[] bytes = writer.fromConnectData("t", ENVELOPE, envelope);
            SchemaAndValue reference = reader.reference("t", bytes);
            // The cached-schema writer's record reads the same as JsonConverter's own record of the same row.
            SchemaAndValue plain = reader.reference("t", plainWriter.fromConnectData("t", ENVELOPE, envelope));
            assertEquals(plain.schema(), reference.schema());
            RandomRows.assertSameRow((Struct) plain.value(), (Struct) reference.value(), i);
            if (i == 0) {
                assertNull(fast.read(bytes), "an unknown schema takes the reference path");
                fast.remember(bytes, reference.schema());
            }
            assertNotNull(fast.readByPrefix(bytes), "JsonConverter's own layout is read by comparing schema bytes");
            SchemaAndValue quick = fast.read(bytes);
            assertNotNull(quick, "a known schema takes the fast path: " + new String(bytes, StandardCharsets.UTF_8));
            assertEquals(reference.schema(), quick.schema());
            RandomRows.assertSameRow((Struct) reference.value(), (Struct) quick.value(), i);
            RandomRows.assertSameRow(envelope, (Struct) quick.value(), i);
        }
    }

    @Test
    void theConverterUsesTheFastPathAndFallsBackForAnythingElse() {
        ExactJsonConverter converter = new ExactJsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        byte[] notAnEnvelope = "{\"payload\": 1, \"schema\": {\"type\": \"int32\"}, \"extra\": 2}".getBytes(StandardCharsets.UTF_8);
        // JsonConverter's own answer, not a fast-path guess
        assertThrows(DataException.class, () -> converter.toConnectData("t", notAnEnvelope));
        byte[] plain = "{\"schema\": {\"type\": \"int32\"}, \"payload\": 7}".getBytes(StandardCharsets.UTF_8);
        assertEquals(7, converter.toConnectData("t", plain).value());
        assertEquals(7, converter.toConnectData("t", plain).value(), "again, from the cached schema");
        assertEquals(SchemaAndValue.NULL, converter.toConnectData("t", null));
    }
}
