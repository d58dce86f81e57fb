package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * BYTES: bytea in hex form; for a column of any other type, the raw text of a type Debezium does not know
 * ({@code include.unknown.datatypes}: line, lseg, box, path, polygon, circle...).
 */
public final class BytesType implements ValueType {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public List<String> registrationKeys() {
        return List.of("BYTES");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        byte[] bytes = TextForms.bytes(value);
        if (column == null || "bytea".equals(column.baseTypeName())) {
            StringBuilder sb = new StringBuilder(2 + bytes.length * 2).append("\\x");
            for (byte b : bytes) {
                sb.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            return sb.toString();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
