package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;
import java.util.Map;

/** MAP: an hstore ({@code hstore.handling.mode=map}), as {@code "k"=>"v"} pairs. */
public final class MapType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("MAP");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            pair(sb, String.valueOf(e.getKey()), e.getValue() == null ? null : String.valueOf(e.getValue()));
        }
        return sb.toString();
    }

    /** Appends one {@code "key"=>"value"} (or {@code =>NULL}) pair. */
    static void pair(StringBuilder sb, String key, String value) {
        if (sb.length() > 0) {
            sb.append(", ");
        }
        TextForms.quote(sb, key);
        sb.append("=>");
        if (value == null) {
            sb.append("NULL");
        } else {
            TextForms.quote(sb, value);
        }
    }
}
