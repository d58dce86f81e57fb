package io.citus.warp.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's JsonConverter with two data-loss traps removed, and values of any size read, for the Debezium source and
 * the Citus sink alike (ship-tested in connectors/*.json):
 * <ul>
 *   <li>JsonConverter writes NaN and ±Infinity floats as the JSON strings "NaN", "Infinity", "-Infinity"
 *       but reads them back as 0.0 without error, and reads -0.0 back as 0.0. This converter reads them back as
 *       what they were.</li>
 *   <li>{@code replace.null.with.default} defaults to false: an explicit NULL stays NULL instead of
 *       becoming the column's default from the schema.</li>
 * </ul>
 * Records are otherwise byte-for-byte JsonConverter records; either side can be a plain JsonConverter
 * (with the same loss).
 */
public class ExactJsonConverter extends JsonConverter {
    static {
        // Jackson refuses JSON strings over 20,000,000 characters by default, so a 60 MB text value (or a 15 MB bytea
        // as base64) would fail the sink task. Kafka's JsonConverter reads through an ObjectMapper of its own that it
        // does not expose, so the default is raised, before any mapper exists: this plugin bundles its own Jackson
        // and connect-json (see connectors/README.md), so the change stays inside the plugin's class loader. A
        // record's size is bounded by Kafka's settings (docs/guarantees.md#large-values), not by Jackson.
        StreamReadConstraints.overrideDefaultStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).build());
    }

    /** This plugin's version, not Kafka's (which {@link JsonConverter#version()} returns). */
    @Override
    public String version() {
        return io.citus.warp.sink.Version.get();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[][] NON_FINITE = {
            "\"NaN\"".getBytes(StandardCharsets.UTF_8),
            "\"Infinity\"".getBytes(StandardCharsets.UTF_8),
            "\"-Infinity\"".getBytes(StandardCharsets.UTF_8),
            "-0.0".getBytes(StandardCharsets.UTF_8),
            "-0E".getBytes(StandardCharsets.UTF_8),
    };

    private final EnvelopeReader envelopes = new EnvelopeReader();
    /** The fast path mirrors replace.null.with.default=false with inline schemas only; otherwise JsonConverter reads. */
    private boolean schemasEnabled;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> withDefaults = new HashMap<>(configs);
        withDefaults.putIfAbsent("replace.null.with.default", "false");
        super.configure(withDefaults, isKey);
        remember(withDefaults);
        configurePayloadWriter(withDefaults, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> withDefaults = new HashMap<>(configs);
        withDefaults.putIfAbsent("replace.null.with.default", "false");
        super.configure(withDefaults);
        remember(withDefaults);
    }

    /**
     * Writing: JsonConverter serialises the whole schema tree into every record, which took most of the
     * source task's CPU. The schema's JSON is the same for every record of a table, so it is serialised
     * once per schema and the record is {@code {"schema":<cached>,"payload":<payload>}}, the payload
     * written by JsonConverter itself (schemas disabled, same settings).
     */
    private JsonConverter payloadWriter;
    private final Map<Schema, byte[]> envelopePrefixes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Schema, byte[]> eldest) {
            return size() > 512;
        }
    };
    private Schema lastWrittenSchema;
    private byte[] lastPrefix;

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (payloadWriter == null || schema == null) {
            return super.fromConnectData(topic, schema, value);
        }
        byte[] payload = payloadWriter.fromConnectData(topic, schema, value);
        if (payload == null) {
            return super.fromConnectData(topic, schema, value);
        }
        byte[] prefix = envelopePrefix(schema);
        byte[] record = Arrays.copyOf(prefix, prefix.length + payload.length + 1);
        System.arraycopy(payload, 0, record, prefix.length, payload.length);
        record[record.length - 1] = '}';
        return record;
    }

    private synchronized byte[] envelopePrefix(Schema schema) {
        if (schema == lastWrittenSchema) {
            return lastPrefix;
        }
        byte[] prefix = envelopePrefixes.computeIfAbsent(schema, s -> {
            try {
                byte[] json = JSON.writeValueAsBytes(asJsonSchema(s));
                byte[] head = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
                byte[] tail = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
                byte[] out = Arrays.copyOf(head, head.length + json.length + tail.length);
                System.arraycopy(json, 0, out, head.length, json.length);
                System.arraycopy(tail, 0, out, head.length + json.length, tail.length);
                return out;
            } catch (IOException e) {
                throw new DataException("cannot serialise schema " + s, e);
            }
        });
        lastWrittenSchema = schema;
        lastPrefix = prefix;
        return prefix;
    }

    private void configurePayloadWriter(Map<String, Object> configs, boolean isKey) {
        if (!schemasEnabled) {
            payloadWriter = null;
            return;
        }
        Map<String, Object> payloadOnly = new HashMap<>(configs);
        payloadOnly.put("schemas.enable", "false");
        payloadWriter = new JsonConverter();
        payloadWriter.configure(payloadOnly, isKey);
    }

    private void remember(Map<String, Object> configs) {
        schemasEnabled = !"false".equalsIgnoreCase(String.valueOf(configs.getOrDefault("schemas.enable", "true")))
                && "false".equalsIgnoreCase(String.valueOf(configs.get("replace.null.with.default")))
                && "BASE64".equalsIgnoreCase(String.valueOf(configs.getOrDefault("decimal.format", "BASE64")));
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value != null && schemasEnabled) {
            SchemaAndValue fast = envelopes.read(value);
            if (fast != null) {
                return fast;
            }
        }
        SchemaAndValue result = reference(topic, value);
        if (value != null && schemasEnabled) {
            envelopes.remember(value, result.schema());
        }
        return result;
    }

    /** Kafka's JsonConverter, with the floats it loses restored: the reference for every value. */
    SchemaAndValue reference(String topic, byte[] value) {
        SchemaAndValue result = super.toConnectData(topic, value);
        if (value == null || result.schema() == null || result.value() == null || !hasFloat(result.schema())
                || !mayHoldNonFinite(value)) {
            return result;
        }
        try {
            JsonNode root = JSON.readTree(value);
            JsonNode payload = root.has("schema") && root.has("payload") ? root.get("payload") : root;
            Object repaired = repair(result.schema(), result.value(), payload);
            return repaired == result.value() ? result : new SchemaAndValue(result.schema(), repaired);
        } catch (IOException e) {
            throw new DataException("could not re-read JSON record to restore non-finite floats", e);
        }
    }

    /** The last schema asked about and its answer: records of one table come in runs, with one Schema instance. */
    private volatile SchemaFloats lastSchema = new SchemaFloats(null, false);

    private record SchemaFloats(Schema schema, boolean hasFloat) {
    }

    /** Only float fields can need repair; most tables have none, and then no record of theirs is scanned. */
    private boolean hasFloat(Schema schema) {
        SchemaFloats last = lastSchema;
        if (last.schema() != schema) {
            last = new SchemaFloats(schema, containsFloat(schema));
            lastSchema = last;
        }
        return last.hasFloat();
    }

    static boolean containsFloat(Schema schema) {
        return switch (schema.type()) {
            case FLOAT32, FLOAT64 -> true;
            case STRUCT -> schema.fields().stream().anyMatch(f -> containsFloat(f.schema()));
            case ARRAY -> containsFloat(schema.valueSchema());
            case MAP -> containsFloat(schema.keySchema()) || containsFloat(schema.valueSchema());
            default -> false;
        };
    }

    /** Whether a needle starts with this byte: the one pass below compares needles only where one can start. */
    private static final boolean[] NEEDLE_START = new boolean[256];

    static {
        for (byte[] needle : NON_FINITE) {
            NEEDLE_START[needle[0] & 0xff] = true;
        }
    }

    /**
     * One pass over the record for all needles. It runs on every record the sink reads, so it must cost
     * little next to parsing: a scan per needle (each record is a few KB of schema and payload) took more
     * CPU than the rest of the sink together.
     */
    static boolean mayHoldNonFinite(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (NEEDLE_START[bytes[i] & 0xff]) {
                for (byte[] needle : NON_FINITE) {
                    if (startsWith(bytes, i, needle)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] haystack, int from, byte[] needle) {
        if (from + needle.length > haystack.length) {
            return false;
        }
        for (int j = 0; j < needle.length; j++) {
            if (haystack[from + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /** Returns the value with float fields whose JSON was a non-finite string or -0.0 restored. */
    @SuppressWarnings("unchecked")
    private static Object repair(Schema schema, Object value, JsonNode json) {
        if (value == null || json == null || json.isNull()) {
            return value;
        }
        Object special = special(schema, json);
        if (special != null) {
            return special;
        }
        switch (schema.type()) {
            case STRUCT -> {
                Struct struct = (Struct) value;
                for (Field field : schema.fields()) {
                    Object fieldValue = struct.get(field);
                    Object repaired = repair(field.schema(), fieldValue, json.get(field.name()));
                    if (repaired != fieldValue) {
                        struct.put(field, repaired);
                    }
                }
            }
            case ARRAY -> {
                List<Object> list = (List<Object>) value;
                for (int i = 0; i < list.size() && i < json.size(); i++) {
                    Object element = list.get(i);
                    Object repaired = repair(schema.valueSchema(), element, json.get(i));
                    if (repaired != element) {
                        list.set(i, repaired);
                    }
                }
            }
            default -> {
                // scalars other than floats, maps: nothing to restore
            }
        }
        return value;
    }

    private static Object special(Schema schema, JsonNode json) {
        if (schema.type() != Schema.Type.FLOAT32 && schema.type() != Schema.Type.FLOAT64) {
            return null;
        }
        if (json.isNumber() && json.isFloatingPointNumber()
                && Double.doubleToRawLongBits(json.doubleValue()) == Double.doubleToRawLongBits(-0.0d)) {
            // JsonConverter reads numbers through BigDecimal, which has no negative zero: -0.0 became 0.0.
            return schema.type() == Schema.Type.FLOAT32 ? (Object) (-0.0f) : (Object) (-0.0d);
        }
        if (!json.isTextual()) {
            return null;
        }
        double d = switch (json.asText()) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new DataException("float field holds the string '" + json.asText() + "'");
        };
        return schema.type() == Schema.Type.FLOAT32 ? (Object) (float) d : (Object) d;
    }
}
