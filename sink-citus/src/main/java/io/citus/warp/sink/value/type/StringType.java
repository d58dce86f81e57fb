package io.citus.warp.sink.value.type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * STRING: most types travel as PostgreSQL's own text (numeric with decimal.handling.mode=string, json, uuid, ranges,
 * enums...) and arrive as they are. Two are rewritten by the target column: numeric's special values, which Debezium
 * spells as Java enum names, and hstore, which hstore.handling.mode=json sends as a JSON object.
 */
public final class StringType implements ValueType {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<String> registrationKeys() {
        return List.of("STRING");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        String s = (String) value;
        if (column == null) {
            return s;
        }
        String type = column.baseTypeName();
        if ("hstore".equals(type) && s.startsWith("{")) {
            return hstoreFromJson(s);
        }
        if ("numeric".equals(type)) {
            return switch (s) {
                case "NAN" -> "NaN";
                case "POSITIVE_INFINITY" -> "Infinity";
                case "NEGATIVE_INFINITY" -> "-Infinity";
                default -> s;
            };
        }
        return s;
    }

    /** {"k":"v"} as hstore reads it, "k"=>"v". */
    private static String hstoreFromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            // Jackson's message quotes the text around the error: never a value in the message.
            throw new UnsupportedValueException("the hstore value is not the JSON object hstore.handling.mode=json produces; "
                    + "set hstore.handling.mode=json on the source connector");
        }
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            MapType.pair(sb, e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return sb.toString();
    }
}
