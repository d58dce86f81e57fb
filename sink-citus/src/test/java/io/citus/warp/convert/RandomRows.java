package io.citus.warp.convert;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random Debezium-shaped envelopes holding every Connect type and its edge values (NaN, ±Infinity, -0.0, nulls, a
 * field with a default), and the comparison every wire format's round trip must pass: the value read back is the value
 * written, null stays null (never the schema's default).
 */
final class RandomRows {
    private RandomRows() {
    }

    static final Schema ROW = SchemaBuilder.struct().name("server.public.t.Value").optional()
            .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
            .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("b", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("s", Schema.OPTIONAL_STRING_SCHEMA)
            .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("dec", Decimal.builder(3).optional().build())
            .field("date", Date.builder().optional().build())
            .field("time", Time.builder().optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("arr", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("farr", SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build())
            .field("smap", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("imap", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("dflt", SchemaBuilder.int32().optional().defaultValue(42).build())
            .build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("server.public.t.Envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA).build();

    static void assertSameRow(Struct expected, Struct actual, int i) {
        for (var field : ENVELOPE.fields()) {
            Object e = expected.getWithoutDefault(field.name());
            Object a = actual.getWithoutDefault(field.name());
            if (e instanceof Struct es && a instanceof Struct as) {
                for (var f : ROW.fields()) {
                    Object ev = es.getWithoutDefault(f.name());
                    Object av = as.getWithoutDefault(f.name());
                    if (ev instanceof byte[] eb) {
                        // Connect's BYTES holds a byte[] or a ByteBuffer (Avro's reader gives the latter); the sink takes both.
                        assertArrayEquals(eb, av instanceof java.nio.ByteBuffer buffer ? bytesOf(buffer) : (byte[]) av,
                                "row " + i + " field " + f.name());
                    } else if (ev instanceof Double || ev instanceof Float) {
                        assertEquals(ev, av, "row " + i + " field " + f.name() + " (NaN, -0.0 kept)");
                    } else {
                        assertEquals(ev, av, "row " + i + " field " + f.name());
                    }
                }
            } else {
                assertEquals(e, a, "row " + i + " field " + field.name());
            }
        }
    }

    static Struct row(Random r) {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e308, 4.9e-324, -1.5};
        Struct row = new Struct(ROW)
                .put("i32", r.nextInt())
                .put("i8", r.nextBoolean() ? null : (byte) r.nextInt())
                .put("i16", r.nextBoolean() ? null : (short) r.nextInt())
                .put("i64", r.nextBoolean() ? null : r.nextLong())
                .put("f32", r.nextBoolean() ? null : (float) specials[r.nextInt(specials.length)])
                .put("f64", r.nextBoolean() ? r.nextDouble() : specials[r.nextInt(specials.length)])
                .put("b", r.nextBoolean() ? null : r.nextBoolean())
                .put("s", r.nextBoolean() ? null : "ü \"quoted\" \\ \n" + r.nextInt())
                .put("bytes", r.nextBoolean() ? null : randomBytes(r))
                .put("dec", r.nextBoolean() ? null : new BigDecimal(r.nextLong()).movePointLeft(3))
                .put("date", r.nextBoolean() ? null : Date.toLogical(Date.SCHEMA, r.nextInt(100_000) - 50_000))
                .put("time", r.nextBoolean() ? null : Time.toLogical(Time.SCHEMA, r.nextInt(86_400_000)))
                .put("ts", r.nextBoolean() ? null : Timestamp.toLogical(Timestamp.SCHEMA, r.nextLong() / 1000))
                .put("arr", r.nextBoolean() ? null : Arrays.asList("a", null, "{b,c}"))
                .put("farr", r.nextBoolean() ? null : Arrays.asList(specials[r.nextInt(specials.length)], null, 2.5))
                .put("smap", r.nextBoolean() ? null : Map.of("k", "v"))
                .put("imap", r.nextBoolean() ? null : Map.of(r.nextInt(), "v"))
                .put("dflt", r.nextBoolean() ? null : r.nextInt());
        return row;
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(20)];
        r.nextBytes(b);
        return b;
    }

}
