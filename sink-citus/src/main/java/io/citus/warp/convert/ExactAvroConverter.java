package io.citus.warp.convert;

import io.apicurio.registry.utils.converter.AvroConverter;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry's Avro converter (configured with its own {@code apicurio.registry.*} settings) with one data-loss
 * trap removed, for the Debezium source and the Citus sink alike (connectors/config/*-avro.json, docs/wire-format.md).
 *
 * <p>Debezium puts a column's constant DEFAULT into the Connect schema, and the converter's AvroData reads each field of
 * a Struct with {@code Struct.get}, which answers the schema's default for a field that holds null (Apicurio 2.6 has
 * Confluent's {@code ignore.default.for.nullables} fix half ported: the flag exists, nothing sets it). An explicit NULL in
 * such a column would reach the topic as the default value. This converter writes every value with schemas that carry no
 * defaults (the rest of each schema unchanged: names, parameters, optionality, docs), so null stays null; a schema without
 * defaults anywhere is passed through as it is, and converted schemas are kept per schema instance. Records are read as
 * Apicurio's converter reads them; either side may be plain {@code AvroConverter} (with the loss on writing).
 */
public class ExactAvroConverter extends AvroConverter<Object> implements Versioned {
    private static final int MAX_SCHEMAS = 1024;

    /** Each schema seen, by identity (Debezium keeps one instance per table and schema version), to its default-free copy. */
    private final Map<Schema, Schema> withoutDefaults = new IdentityHashMap<>();

    /** This plugin's version (Connect lists it with the converter). */
    @Override
    public String version() {
        return io.citus.warp.sink.Version.get();
    }

    @Override
    protected Object applySchema(Schema schema, Object value) {
        SchemaAndValue plain = withoutDefaults(schema, value);
        return super.applySchema(plain.schema(), plain.value());
    }

    /** The value re-built on a copy of its schema without defaults (the same objects when no schema in it has one). */
    synchronized SchemaAndValue withoutDefaults(Schema schema, Object value) {
        if (schema == null) {
            return new SchemaAndValue(null, value);
        }
        Schema plain = plainSchema(schema);
        return new SchemaAndValue(plain, plain == schema ? value : copy(value, plain));
    }

    private Schema plainSchema(Schema schema) {
        Schema known = withoutDefaults.get(schema);
        if (known != null) {
            return known;
        }
        if (withoutDefaults.size() >= MAX_SCHEMAS) {
            withoutDefaults.clear();
        }
        Schema plain = strip(schema);
        withoutDefaults.put(schema, plain);
        return plain;
    }

    /** The schema itself when neither it nor any schema inside it has a default, else a copy without any default. */
    static Schema strip(Schema schema) {
        if (!hasDefault(schema)) {
            return schema;
        }
        SchemaBuilder builder = switch (schema.type()) {
            case STRUCT -> {
                SchemaBuilder struct = SchemaBuilder.struct();
                for (Field field : schema.fields()) {
                    struct.field(field.name(), strip(field.schema()));
                }
                yield struct;
            }
            case ARRAY -> SchemaBuilder.array(strip(schema.valueSchema()));
            case MAP -> SchemaBuilder.map(strip(schema.keySchema()), strip(schema.valueSchema()));
            default -> new SchemaBuilder(schema.type());
        };
        if (schema.name() != null) {
            builder.name(schema.name());
        }
        if (schema.version() != null) {
            builder.version(schema.version());
        }
        if (schema.doc() != null) {
            builder.doc(schema.doc());
        }
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        if (schema.isOptional()) {
            builder.optional();
        }
        return builder.build();
    }

    private static boolean hasDefault(Schema schema) {
        if (schema.defaultValue() != null) {
            return true;
        }
        return switch (schema.type()) {
            case STRUCT -> schema.fields().stream().anyMatch(f -> hasDefault(f.schema()));
            case ARRAY -> hasDefault(schema.valueSchema());
            case MAP -> hasDefault(schema.keySchema()) || hasDefault(schema.valueSchema());
            default -> false;
        };
    }

    /** The value on {@code to}, a default-free copy of its schema: every field read without its default. */
    private static Object copy(Object value, Schema to) {
        if (value == null) {
            return null;
        }
        switch (to.type()) {
            case STRUCT -> {
                Struct from = (Struct) value;
                if (from.schema() == to) {
                    return from;
                }
                Struct out = new Struct(to);
                for (Field field : to.fields()) {
                    out.put(field, copy(from.getWithoutDefault(field.name()), field.schema()));
                }
                return out;
            }
            case ARRAY -> {
                List<?> from = (List<?>) value;
                List<Object> out = new ArrayList<>(from.size());
                for (Object element : from) {
                    out.add(copy(element, to.valueSchema()));
                }
                return out;
            }
            case MAP -> {
                Map<?, ?> from = (Map<?, ?>) value;
                Map<Object, Object> out = new LinkedHashMap<>();
                from.forEach((k, v) -> out.put(copy(k, to.keySchema()), copy(v, to.valueSchema())));
                return out;
            }
            default -> {
                return value;
            }
        }
    }
}
