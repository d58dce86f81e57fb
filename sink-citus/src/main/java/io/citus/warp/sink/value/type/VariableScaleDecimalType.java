package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** Debezium's VariableScaleDecimal (numeric without a declared scale, precise mode): unscaled bytes and a scale. */
public final class VariableScaleDecimalType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.data.VariableScaleDecimal");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        Struct struct = (Struct) value;
        return new BigDecimal(new BigInteger(TextForms.bytes(struct.get("value"))), struct.getInt32("scale")).toPlainString();
    }
}
