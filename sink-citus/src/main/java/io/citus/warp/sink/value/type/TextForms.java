package io.citus.warp.sink.value.type;

import java.nio.ByteBuffer;

/** Pieces of PostgreSQL's text forms that several types write alike. */
final class TextForms {
    private TextForms() {
    }

    /** {@code yyyy<rest>}, years before 1 AD written with BC (ISO year 0 is 1 BC, -1 is 2 BC). */
    static String withEra(int isoYear, String rest) {
        if (isoYear > 0) {
            return String.format("%04d", isoYear) + rest;
        }
        return String.format("%04d", 1 - isoYear) + rest + " BC";
    }

    /** {@code .123} for 123000 microseconds, nothing for none. */
    static String fraction(long micros) {
        if (micros == 0) {
            return "";
        }
        String digits = String.format("%06d", micros);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return "." + digits.substring(0, end);
    }

    /** A double-quoted element of an array or hstore, quotes and backslashes escaped. */
    static void quote(StringBuilder sb, String text) {
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** Connect's BYTES value, as byte[] or ByteBuffer. */
    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
