package io.citus.warp.convert;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A round trip through the converter keeps what Kafka's JsonConverter silently changes. */
@Tag("unit")
class ExactJsonConverterTest {
    private static final Schema ROW = SchemaBuilder.struct().name("row")
            .field("d", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("f", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("a", SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build())
            .field("n", SchemaBuilder.int32().optional().defaultValue(42).build())
            .build();

    @Test
    void nonFiniteFloatsAndExplicitNullsSurviveTheRoundTrip() {
        Struct row = new Struct(ROW)
                .put("d", Double.NaN)
                .put("f", Float.NEGATIVE_INFINITY)
                .put("a", Arrays.asList(Double.POSITIVE_INFINITY, 1.5, null, -0.0))
                .put("n", null);
        Struct back = (Struct) roundTrip(new ExactJsonConverter(), new ExactJsonConverter(), row).value();
        assertEquals(Double.NaN, back.getFloat64("d"));
        assertEquals(Float.NEGATIVE_INFINITY, back.getFloat32("f"));
        assertEquals(Arrays.asList(Double.POSITIVE_INFINITY, 1.5, null, -0.0), back.getArray("a"));
        assertNull(back.getWithoutDefault("n"), "an explicit NULL is not replaced by the schema default");
    }

    @Test
    void kafkasOwnConverterLosesThemWhichIsWhyWeShipOurs() {
        Struct row = new Struct(ROW).put("d", Double.NaN).put("f", 1.0f).put("a", List.of()).put("n", null);
        Struct back = (Struct) roundTrip(new JsonConverter(), new JsonConverter(), row).value();
        assertEquals(0.0, back.getFloat64("d"), "JsonConverter reads NaN back as 0.0");
        assertEquals(42, back.getWithoutDefault("n"), "JsonConverter replaces NULL by the default");
        Struct negativeZero = new Struct(ROW).put("d", -0.0).put("a", List.of()).put("n", 1);
        assertEquals(0.0, ((Struct) roundTrip(new JsonConverter(), new JsonConverter(), negativeZero).value()).getFloat64("d"));
        assertEquals(-0.0, ((Struct) roundTrip(new ExactJsonConverter(), new ExactJsonConverter(), negativeZero).value()).getFloat64("d"));
    }

    /** The source connector's converter writes, the sink's reads (both ExactJsonConverter in the shipped configs). */
    private static SchemaAndValue roundTrip(JsonConverter writer, JsonConverter reader, Struct row) {
        writer.configure(Map.of("schemas.enable", "true"), false);
        byte[] bytes = writer.fromConnectData("t", ROW, row);
        reader.configure(Map.of("schemas.enable", "true"), false);
        return reader.toConnectData("t", bytes);
    }
}
