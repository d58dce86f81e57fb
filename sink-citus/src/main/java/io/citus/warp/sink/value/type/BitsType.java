package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/** Debezium's Bits (bit(n)): the bit string's value as little-endian bytes (BitSet order), its length a parameter. */
public final class BitsType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.data.Bits");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        if (column != null && column.isVaryingBitString()) {
            throw varyingLengthLost();
        }
        byte[] bytes = TextForms.bytes(value);
        String lengthParam = schema.parameters() == null ? null : schema.parameters().get("length");
        int length = lengthParam == null ? bytes.length * 8 : Integer.parseInt(lengthParam);
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            // The last character is bit 0 of the number.
            int bit = length - 1 - i;
            int b = bit / 8 < bytes.length ? bytes[bit / 8] : 0;
            out[i] = ((b >> (bit % 8)) & 1) == 1 ? '1' : '0';
        }
        return new String(out);
    }

    /**
     * Debezium sends a bit varying value as the number it spells, trimmed to whole bytes, with the declared maximum
     * length, not the value's own length: '0011' and '11' arrive alike.
     */
    static UnsupportedValueException varyingLengthLost() {
        return new UnsupportedValueException("Debezium does not carry the length of bit varying values ('0011' and '11' "
                + "arrive alike), so they cannot be written exactly. Change the column to bit(n) or text on both sides");
    }
}
