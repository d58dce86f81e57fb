package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** STRUCT of a name no type is registered for: the sink knows no PostgreSQL text form for it. */
public final class StructType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("STRUCT");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        throw new UnsupportedValueException("a value of Connect type STRUCT (" + (schema.name() == null ? "unnamed" : schema.name())
                + ") has no PostgreSQL text form known to the sink. Change the column to a type that travels as text on "
                + "both sides (docs/type-fidelity.md), or copy this table another way");
    }
}
