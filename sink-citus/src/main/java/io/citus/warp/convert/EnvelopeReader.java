package io.citus.warp.convert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link ExactJsonConverter#toConnectData}: a {@code {"schema": ..., "payload": ...}}
 * record whose schema bytes were seen before is read without parsing its schema again.
 *
 * <p>Every Debezium record carries its whole schema inline (about three quarters of its bytes), and
 * Kafka's JsonConverter builds a JSON tree of all of it and hashes that tree to find the Connect
 * schema, for every record: most of a sink's CPU. Here the schema is only tokenised and skipped; its
 * raw bytes are the cache key, and only the payload becomes a tree. Anything unexpected returns null
 * and the caller takes JsonConverter's own path, which stays the reference for every value.
 */
final class EnvelopeReader {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_SCHEMAS = 512;

    /** Schemas by their exact JSON bytes; a stream holds a few per table (and they change with DDL). */
    private final Map<SchemaBytes, Schema> schemas = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SchemaBytes, Schema> eldest) {
            return size() > MAX_SCHEMAS;
        }
    };

    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    /** The schemas used last, most recent first: JsonConverter writes records as {"schema":S,"payload":P}. */
    private final ArrayDeque<Known> recent = new ArrayDeque<>();
    private static final int RECENT = 16;

    private record Known(byte[] schemaBytes, Schema schema) {
    }

    /** The record read with a known schema, or null when the caller must take the reference path. */
    synchronized SchemaAndValue read(byte[] record) {
        SchemaAndValue direct = readByPrefix(record);
        return direct != null ? direct : readByTokens(record);
    }

    /**
     * The cheapest path: the record's bytes after {@code {"schema":} equal a recently seen schema's
     * bytes (a memory comparison), so only the payload is parsed.
     */
    SchemaAndValue readByPrefix(byte[] record) {
        if (!Arrays.equals(record, 0, Math.min(SCHEMA_PREFIX.length, record.length), SCHEMA_PREFIX, 0, SCHEMA_PREFIX.length)) {
            return null;
        }
        for (Known known : recent) {
            int schemaEnd = SCHEMA_PREFIX.length + known.schemaBytes().length;
            int payloadStart = schemaEnd + PAYLOAD_INFIX.length;
            if (payloadStart < record.length
                    && Arrays.equals(record, SCHEMA_PREFIX.length, schemaEnd, known.schemaBytes(), 0, known.schemaBytes().length)
                    && Arrays.equals(record, schemaEnd, payloadStart, PAYLOAD_INFIX, 0, PAYLOAD_INFIX.length)) {
                if (recent.peekFirst() != known) {
                    recent.remove(known);
                    recent.addFirst(known);
                }
                if (record[record.length - 1] != '}') {
                    return null;
                }
                // The payload is everything up to the envelope's closing brace, and nothing may follow it.
                try (JsonParser parser = JSON_FACTORY.createParser(record, payloadStart, record.length - 1 - payloadStart)) {
                    parser.nextToken();
                    JsonNode payload = MAPPER.readTree(parser);
                    if (parser.nextToken() != null) {
                        return null;
                    }
                    return new SchemaAndValue(known.schema(), convert(known.schema(), payload));
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private void rememberRecent(byte[] schemaBytes, Schema schema) {
        recent.addFirst(new Known(schemaBytes, schema));
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    private SchemaAndValue readByTokens(byte[] record) {
        try (JsonParser parser = JSON_FACTORY.createParser(record)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Schema schema = null;
            JsonNode payload = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if ("schema".equals(name) && token == JsonToken.START_OBJECT) {
                    SchemaBytes bytes = SchemaBytes.of(record, parser);
                    schema = schemas.get(bytes);
                    if (schema == null) {
                        return null;
                    }
                    rememberRecent(bytes.copy().bytes, schema);
                } else if ("payload".equals(name)) {
                    payload = MAPPER.readTree(parser);
                } else {
                    return null;
                }
            }
            if (schema == null || payload == null) {
                return null;
            }
            return new SchemaAndValue(schema, convert(schema, payload));
        } catch (IOException | RuntimeException notOnTheFastPath) {
            return null;
        }
    }

    /** Remembers the schema JsonConverter built for this record, keyed by the record's schema bytes. */
    synchronized void remember(byte[] record, Schema schema) {
        if (schema == null) {
            return;
        }
        try (JsonParser parser = JSON_FACTORY.createParser(record)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if ("schema".equals(name) && token == JsonToken.START_OBJECT) {
                    SchemaBytes bytes = SchemaBytes.of(record, parser).copy();
                    schemas.put(bytes, schema);
                    rememberRecent(bytes.bytes, schema);
                    return;
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // not cacheable; the reference path keeps serving it
        }
    }

    /**
     * JSON payload to Connect value, as JsonConverter does with {@code replace.null.with.default=false},
     * plus NaN/±Infinity floats (JSON strings) and -0.0 kept. Throws on anything it does not expect.
     */
    static Object convert(Schema schema, JsonNode value) {
        if (value == null || value.isNull()) {
            if (schema.isOptional()) {
                return null;
            }
            throw new IllegalArgumentException("null for required " + schema.type());
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    return value.isNumber() ? value.decimalValue().setScale(scale)
                            : new BigDecimal(new BigInteger(binary(value)), scale);
                }
                case Date.LOGICAL_NAME -> {
                    return Date.toLogical(schema, integral(value).intValue());
                }
                case Time.LOGICAL_NAME -> {
                    return Time.toLogical(schema, integral(value).intValue());
                }
                case Timestamp.LOGICAL_NAME -> {
                    return Timestamp.toLogical(schema, integral(value).longValue());
                }
                default -> {
                    // other names (Debezium's semantic types) are plain Connect types underneath
                }
            }
        }
        switch (schema.type()) {
            case INT8:
                return (byte) integral(value).intValue();
            case INT16:
                return (short) integral(value).intValue();
            case INT32:
                return integral(value).intValue();
            case INT64:
                return integral(value).longValue();
            case FLOAT32:
                return (float) floating(value);
            case FLOAT64:
                return floating(value);
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException("not a boolean");
                }
                return value.booleanValue();
            case STRING:
                if (!value.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                return value.textValue();
            case BYTES:
                return binary(value);
            case ARRAY: {
                if (!value.isArray()) {
                    throw new IllegalArgumentException("not an array");
                }
                List<Object> list = new ArrayList<>(value.size());
                for (JsonNode element : value) {
                    list.add(convert(schema.valueSchema(), element));
                }
                return list;
            }
            case MAP: {
                Map<Object, Object> map = new HashMap<>();
                if (schema.keySchema().type() == Schema.Type.STRING && value.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> entry = it.next();
                        map.put(entry.getKey(), convert(schema.valueSchema(), entry.getValue()));
                    }
                } else if (value.isArray()) {
                    for (JsonNode pair : value) {
                        if (!pair.isArray() || pair.size() != 2) {
                            throw new IllegalArgumentException("not a map entry");
                        }
                        map.put(convert(schema.keySchema(), pair.get(0)), convert(schema.valueSchema(), pair.get(1)));
                    }
                } else {
                    throw new IllegalArgumentException("not a map");
                }
                return map;
            }
            case STRUCT: {
                if (!value.isObject()) {
                    throw new IllegalArgumentException("not an object");
                }
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    struct.put(field, convert(field.schema(), value.get(field.name())));
                }
                return struct;
            }
            default:
                throw new IllegalArgumentException("unexpected type " + schema.type());
        }
    }

    private static JsonNode integral(JsonNode value) {
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException("not an integer");
        }
        return value;
    }

    private static double floating(JsonNode value) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            switch (value.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("not a float");
    }

    private static byte[] binary(JsonNode value) {
        try {
            byte[] bytes = value.binaryValue();
            if (bytes == null) {
                throw new IllegalArgumentException("not base64");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("not base64", e);
        }
    }

    /** A slice of a record's bytes (the schema object), compared by content. */
    private static final class SchemaBytes {
        private final byte[] bytes;
        private final int from;
        private final int to;
        private final int hash;

        private SchemaBytes(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        /** The schema object the parser stands at the start of; leaves the parser after it. */
        static SchemaBytes of(byte[] record, JsonParser parser) throws IOException {
            int from = (int) parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            int to = (int) parser.currentLocation().getByteOffset();
            if (from < 0 || to <= from || to > record.length) {
                throw new IOException("no byte offsets");
            }
            return new SchemaBytes(record, from, to);
        }

        SchemaBytes copy() {
            return new SchemaBytes(Arrays.copyOfRange(bytes, from, to), 0, to - from);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaBytes other && hash == other.hash
                    && Arrays.equals(bytes, from, to, other.bytes, other.from, other.to);
        }
    }
}
