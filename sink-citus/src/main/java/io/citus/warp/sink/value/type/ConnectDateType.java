package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;

import java.time.ZoneOffset;
import java.util.List;

/** Connect's logical Date: a java.util.Date at midnight UTC, written as that day. */
public final class ConnectDateType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of(Date.LOGICAL_NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return ((java.util.Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
