package io.citus.warp.connect;

import io.citus.warp.connect.ConnectorTemplates.WireFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Each wire format's config pair is the JSON pair with other converters and nothing else changed (docs/wire-format.md):
 * a setting added to one pair and forgotten in the other would make the formats behave differently in more than the
 * record's bytes.
 */
@Tag("unit")
class WireFormatConfigsTest {
    /** What a wire format may change: its converters and, for Avro, how Debezium makes names Avro names. */
    private static final Predicate<String> FORMAT_KEY = k -> k.startsWith("key.converter") || k.startsWith("value.converter")
            || k.equals("schema.name.adjustment.mode");

    @ParameterizedTest(name = "{0}")
    @EnumSource(WireFormat.class)
    void eachPairDiffersFromTheJsonPairOnlyInItsConverters(WireFormat format) {
        assertEquals(withoutFormatKeys(WireFormat.JSON.sourceTemplate()), withoutFormatKeys(format.sourceTemplate()));
        assertEquals(withoutFormatKeys(WireFormat.JSON.sinkTemplate()), withoutFormatKeys(format.sinkTemplate()));
        Map<String, String> source = ConnectorTemplates.raw(format.sourceTemplate());
        Map<String, String> sink = ConnectorTemplates.raw(format.sinkTemplate());
        // The source writes and the sink reads with the same converter class, for keys and values.
        for (String side : new String[] {"key.converter", "value.converter"}) {
            assertEquals(source.get(side), sink.get(side), side);
        }
        boolean registry = source.values().stream().anyMatch(v -> v.contains("{{schema.registry.url}}"));
        assertEquals(format.needsRegistry(), registry, "the source config names the registry iff the format needs one");
        assertEquals(format.needsRegistry(), sink.values().stream().anyMatch(v -> v.contains("{{schema.registry.url}}")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = WireFormat.class, names = "AVRO")
    void avroRegistersRecordNamesSoThatOneTopicHoldsEveryTablesSchemas(WireFormat format) {
        Map<String, String> source = ConnectorTemplates.raw(format.sourceTemplate());
        for (String side : new String[] {"key.converter", "value.converter"}) {
            assertEquals("io.apicurio.registry.serde.avro.strategy.RecordIdStrategy",
                    source.get(side + ".apicurio.registry.artifact-resolver-strategy"), side);
            assertEquals("true", source.get(side + ".apicurio.registry.auto-register"), side);
        }
        // Avro names allow only letters, digits and _: Debezium adjusts schema names (the table a record is for travels
        // as a value in its source block, unchanged).
        assertEquals("avro", source.get("schema.name.adjustment.mode"));
        // Field names are column names, which the sink matches on the target: never renamed (a column whose name is no
        // Avro name fails the source task instead, naming it).
        assertFalse(source.containsKey("field.name.adjustment.mode"));
    }

    private static Map<String, String> withoutFormatKeys(String template) {
        Map<String, String> config = new TreeMap<>(ConnectorTemplates.raw(template));
        config.keySet().removeIf(FORMAT_KEY);
        return config;
    }
}
