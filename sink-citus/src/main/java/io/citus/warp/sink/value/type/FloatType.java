package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** FLOAT32 and FLOAT64: Java's shortest round-trip digits; NaN and the infinities as PostgreSQL spells them. */
public final class FloatType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("FLOAT32", "FLOAT64");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return schema.type() == Schema.Type.FLOAT32 ? text((float) (Float) value) : text((double) (Double) value);
    }

    static String text(float f) {
        if (Float.isNaN(f)) {
            return "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Infinity" : "-Infinity";
        }
        return Float.toString(f);
    }

    static String text(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(d);
    }
}
