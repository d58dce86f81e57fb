package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** BOOLEAN: a boolean, or a bit(1) (which Debezium sends as a boolean). */
public final class BooleanType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("BOOLEAN");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        if (column != null && column.isVaryingBitString()) {
            throw BitsType.varyingLengthLost();
        }
        boolean b = (Boolean) value;
        return column != null && column.isBitString() ? (b ? "1" : "0") : (b ? "t" : "f");
    }
}
