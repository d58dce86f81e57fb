package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Timestamp;

import java.util.List;

/** Connect's logical Timestamp: a java.util.Date, milliseconds since the epoch, as a timestamp without time zone. */
public final class ConnectTimestampType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of(Timestamp.LOGICAL_NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return TimestampType.text(((java.util.Date) value).getTime() * 1_000L);
    }
}
