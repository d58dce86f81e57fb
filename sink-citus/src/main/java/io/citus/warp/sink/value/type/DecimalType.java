package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;

import java.math.BigDecimal;
import java.util.List;

/** Connect's Decimal (decimal.handling.mode=precise): every digit, never in exponent form. */
public final class DecimalType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of(Decimal.LOGICAL_NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return ((BigDecimal) value).toPlainString();
    }
}
