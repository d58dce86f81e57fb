package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** INT8 to INT64: the number's decimal digits. */
public final class IntegerType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("INT8", "INT16", "INT32", "INT64");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return value.toString();
    }
}
