package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.List;

/** Debezium's geometry Point (a PostgreSQL point): {@code (x,y)} with both doubles' round-trip digits. */
public final class PointType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.data.geometry.Point");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        Struct struct = (Struct) value;
        return "(" + FloatType.text((double) struct.getFloat64("x")) + "," + FloatType.text((double) struct.getFloat64("y")) + ")";
    }
}
