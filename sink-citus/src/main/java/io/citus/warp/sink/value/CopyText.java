package io.citus.warp.sink.value;

/** Escaping for PostgreSQL's COPY text format (tab-separated, \N for NULL). */
public final class CopyText {
    private CopyText() {
    }

    public static void appendField(StringBuilder line, String text) {
        if (text == null) {
            line.append("\\N");
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
    }
}
