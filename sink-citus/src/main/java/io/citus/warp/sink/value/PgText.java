package io.citus.warp.sink.value;

import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.value.type.ArrayType;
import io.citus.warp.sink.value.type.BitsType;
import io.citus.warp.sink.value.type.BooleanType;
import io.citus.warp.sink.value.type.BytesType;
import io.citus.warp.sink.value.type.ConnectDateType;
import io.citus.warp.sink.value.type.ConnectTimeType;
import io.citus.warp.sink.value.type.ConnectTimestampType;
import io.citus.warp.sink.value.type.DateType;
import io.citus.warp.sink.value.type.DecimalType;
import io.citus.warp.sink.value.type.DurationType;
import io.citus.warp.sink.value.type.FloatType;
import io.citus.warp.sink.value.type.IntegerType;
import io.citus.warp.sink.value.type.MapType;
import io.citus.warp.sink.value.type.PointType;
import io.citus.warp.sink.value.type.StringType;
import io.citus.warp.sink.value.type.StructType;
import io.citus.warp.sink.value.type.TimeType;
import io.citus.warp.sink.value.type.TimestampType;
import io.citus.warp.sink.value.type.TypeLookup;
import io.citus.warp.sink.value.type.ValueType;
import io.citus.warp.sink.value.type.VariableScaleDecimalType;
import io.citus.warp.sink.value.type.ZonedTimeType;
import io.citus.warp.sink.value.type.ZonedTimestampType;
import io.citus.warp.sink.value.type.SourceTextType;
import io.citus.warp.source.SourceText;
import org.apache.kafka.connect.data.Schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a Connect value, as Debezium produced it, into PostgreSQL's text input form for the target column: the same
 * text {@code COPY} reads and a bound parameter of unspecified type carries, so the target parses it with the column
 * type's own input function. Each type is a class of its own ({@link ValueType}, in {@code value.type}), registered
 * here by the names its values carry; a value is written by the type its schema names, else by its Connect type
 * (see docs/type-fidelity.md).
 */
public final class PgText implements TypeLookup {
    /** Debezium's default {@code unavailable.value.placeholder} for unchanged TOASTed values. */
    public static final String DEFAULT_UNAVAILABLE_PLACEHOLDER = SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER;

    private final String placeholder;
    private final byte[] placeholderBytes;
    private final Map<String, ValueType> types = new HashMap<>();

    public PgText(String unavailablePlaceholder, boolean timetzAsUtc) {
        this.placeholder = unavailablePlaceholder;
        this.placeholderBytes = unavailablePlaceholder.getBytes(StandardCharsets.UTF_8);
        // Connect's types, for values whose schema has no name (or one no type below is registered for).
        register(new BooleanType(), new IntegerType(), new FloatType(), new StringType(), new BytesType(), new ArrayType(this),
                new MapType(), new StructType());
        // Connect's logical types.
        register(new DecimalType(), new ConnectDateType(), new ConnectTimeType(), new ConnectTimestampType());
        // Debezium's semantic types.
        register(new DateType(), TimeType.MILLIS, TimeType.MICROS, TimeType.NANOS, TimestampType.MILLIS, TimestampType.MICROS,
                TimestampType.NANOS, new ZonedTimestampType(), new ZonedTimeType(timetzAsUtc), new DurationType(),
                new VariableScaleDecimalType(), new BitsType(), new PointType());
        // Warp's source-text converter: the source's own text, as it is.
        register(new SourceTextType());
    }

    private void register(ValueType... registered) {
        for (ValueType type : registered) {
            for (String key : type.registrationKeys()) {
                if (types.put(key, type) != null) {
                    throw new IllegalStateException("two value types registered for " + key);
                }
            }
        }
    }

    @Override
    public ValueType typeOf(Schema schema) {
        ValueType named = schema.name() == null ? null : types.get(schema.name());
        return named != null ? named : types.get(schema.type().name());
    }

    /**
     * True when Debezium sent its placeholder for an unchanged TOASTed value (REPLICA IDENTITY DEFAULT):
     * the real value is on the target already and must be left alone.
     */
    public boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return s.equals(placeholder);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, placeholderBytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == placeholderBytes.length && buffer.duplicate().equals(ByteBuffer.wrap(placeholderBytes));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && isUnavailable(list.get(0));
        }
        if (value instanceof Map<?, ?> map) {
            return map.size() == 1 && placeholder.equals(map.get(placeholder));
        }
        return false;
    }

    /**
     * The text form of {@code value} for {@code column}, or null for SQL NULL.
     *
     * @throws io.citus.warp.sink.value.type.UnsupportedValueException when it cannot be written exactly
     */
    public String encode(Schema schema, Object value, TargetColumn column) {
        return value == null ? null : typeOf(schema).text(schema, value, column);
    }
}
