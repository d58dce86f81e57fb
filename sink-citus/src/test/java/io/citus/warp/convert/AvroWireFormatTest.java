package io.citus.warp.convert;

import io.apicurio.registry.utils.converter.avro.AvroData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Avro wire format's value conversions, without the registry: what {@link ExactAvroConverter} does between the
 * registry lookups (the default-free schema, Apicurio's AvroData from Connect to Avro, Avro's binary encoding with the
 * writer's schema, then AvroData back to Connect, as the converter's serde does) gives back every value of the random
 * envelopes exactly, as the JSON format does ({@link EnvelopeReaderTest}): NaN, ±Infinity and -0.0 floats, INT8/INT16,
 * decimals, dates and times, maps with non-string keys, and a null in a field that has a default stays null (Apicurio's
 * AvroData alone wrote that field's default: the second test). The registry part runs end to end in TypeFidelityTest and
 * SourceWorkloadAvroTest.
 */
@Tag("unit")
class AvroWireFormatTest {

    @Test
    void randomEnvelopesComeBackExactly() throws IOException {
        ExactAvroConverter converter = new ExactAvroConverter();
        AvroData writerData = new AvroData(100);
        AvroData readerData = new AvroData(100);
        Schema connectSchema = RandomRows.ENVELOPE;
        Schema written = converter.withoutDefaults(connectSchema, null).schema();
        org.apache.avro.Schema avroSchema = writerData.fromConnectSchema(written);
        // The reader knows only the schema text it would fetch from the registry by the record's id.
        org.apache.avro.Schema fetched = new org.apache.avro.Schema.Parser().parse(avroSchema.toString());
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            Struct envelope = new Struct(connectSchema).put("after", RandomRows.row(random)).put("op", "u")
                    .put("before", random.nextBoolean() ? null : RandomRows.row(random));
            Object avro = writerData.fromConnectData(written, converter.withoutDefaults(connectSchema, envelope).value());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<>(avroSchema).write(avro, encoder);
            encoder.flush();
            Object decoded = new GenericDatumReader<>(fetched).read(null,
                    DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
            SchemaAndValue back = readerData.toConnectData(fetched, decoded);
            assertEquals(connectSchema.name(), back.schema().name());
            RandomRows.assertSameRow(envelope, (Struct) back.value(), i);
        }
    }

    /** Avro names allow letters, digits and _ only: a PostgreSQL column such as "first name" is refused, never renamed. */
    @Test
    void aColumnNameThatIsNoAvroNameIsRefusedNotRenamed() {
        Schema row = SchemaBuilder.struct().name("t.Value").field("first name", Schema.OPTIONAL_STRING_SCHEMA).build();
        Exception refused = assertThrows(Exception.class, () -> new AvroData(10).fromConnectSchema(row));
        assertTrue(String.valueOf(refused.getMessage()).contains("first name"), refused.toString());
    }

    @Test
    void apicuriosAvroDataAloneWritesTheDefaultForANull() {
        Schema row = SchemaBuilder.struct().name("t.Value").field("n", SchemaBuilder.int32().optional().defaultValue(7).build()).build();
        Struct explicitNull = new Struct(row).put("n", null);
        GenericRecord plain = (GenericRecord) new AvroData(10).fromConnectData(row, explicitNull);
        assertEquals(7, plain.get("n"), "the trap ExactAvroConverter removes");
        SchemaAndValue exact = new ExactAvroConverter().withoutDefaults(row, explicitNull);
        GenericRecord kept = (GenericRecord) new AvroData(10).fromConnectData(exact.schema(), exact.value());
        assertNull(kept.get("n"));
        assertEquals(row.name(), exact.schema().name());
        Schema noDefaults = SchemaBuilder.struct().name("u.Value").field("n", Schema.OPTIONAL_INT32_SCHEMA).build();
        assertSame(noDefaults, new ExactAvroConverter().withoutDefaults(noDefaults, null).schema(), "nothing to copy");
    }
}
