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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /**
     * Jackson refuses a JSON string longer than 20,000,000 characters by default (StreamReadConstraints): a text value
     * of 60 MB, or a bytea of 15 MB as base64, would fail the sink task while reading the record.
     */
    @Test
    void valuesOfTensOfMegabytesAreRead() {
        Schema doc = SchemaBuilder.struct().name("doc").field("body", Schema.OPTIONAL_STRING_SCHEMA)
                .field("blob", Schema.OPTIONAL_BYTES_SCHEMA).build();
        String body = "x".repeat(60_000_000);
        byte[] blob = new byte[30_000_000];
        Arrays.fill(blob, (byte) 7);
        Struct back = (Struct) roundTrip(new ExactJsonConverter(), new ExactJsonConverter(), doc,
                new Struct(doc).put("body", body).put("blob", blob)).value();
        assertEquals(body.length(), back.getString("body").length());
        assertEquals(body, back.getString("body"));
        assertArrayEquals(blob, back.getBytes("blob"));
    }

    /** The source connector's converter writes, the sink's reads (both ExactJsonConverter in the shipped configs). */
    private static SchemaAndValue roundTrip(JsonConverter writer, JsonConverter reader, Struct row) {
        return roundTrip(writer, reader, ROW, row);
    }

    private static SchemaAndValue roundTrip(JsonConverter writer, JsonConverter reader, Schema schema, Struct row) {
        writer.configure(Map.of("schemas.enable", "true"), false);
        byte[] bytes = writer.fromConnectData("t", schema, row);
        reader.configure(Map.of("schemas.enable", "true"), false);
        return reader.toConnectData("t", bytes);
    }
}
