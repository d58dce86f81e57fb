package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;

import java.util.List;

/** Connect's logical Time: a java.util.Date holding milliseconds since midnight. */
public final class ConnectTimeType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of(Time.LOGICAL_NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return TimeType.text(((java.util.Date) value).getTime() * 1_000L);
    }
}
