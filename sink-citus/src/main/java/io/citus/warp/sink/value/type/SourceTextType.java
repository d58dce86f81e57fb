package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.source.SourceText;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/**
 * The source's own text of a value (Warp's {@code SourceTextConverter} on the Debezium side: user-defined and extension
 * types, multiranges, range arrays): the target column type's input function reads it as it is.
 */
public final class SourceTextType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of(SourceText.SCHEMA_NAME);
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        return (String) value;
    }
}
