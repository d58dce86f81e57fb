package io.citus.warp.verify;

import java.util.List;

/**
 * A half-open range of primary-key values {@code [lower, upper)}; a null bound is unbounded, so the
 * first and last ranges of a plan also catch keys that exist only on the target.
 */
public record KeyRange(List<String> lower, List<String> upper) {

    /** The WHERE condition for this range over the key expressions, with ? placeholders (lower first, then upper). */
    public String condition(List<String> keyExpressions, List<String> keyTypes) {
        String row = keyExpressions.size() == 1 ? keyExpressions.get(0) : "(" + String.join(", ", keyExpressions) + ")";
        StringBuilder params = new StringBuilder();
        for (int i = 0; i < keyTypes.size(); i++) {
            params.append(i == 0 ? "" : ", ").append("?::").append(keyTypes.get(i));
        }
        String values = keyTypes.size() == 1 ? params.toString() : "(" + params + ")";
        if (lower == null && upper == null) {
            return "true";
        }
        if (lower == null) {
            return row + " < " + values;
        }
        if (upper == null) {
            return row + " >= " + values;
        }
        return row + " >= " + values + " AND " + row + " < " + values;
    }

    /** Bind values in the order of {@link #condition}. */
    public List<String> parameters() {
        if (lower == null && upper == null) {
            return List.of();
        }
        if (lower == null) {
            return upper;
        }
        if (upper == null) {
            return lower;
        }
        return java.util.stream.Stream.concat(lower.stream(), upper.stream()).toList();
    }

    @Override
    public String toString() {
        return (lower == null ? "(-inf" : "[" + key(lower)) + ", " + (upper == null ? "+inf)" : key(upper) + ")");
    }

    private static String key(List<String> k) {
        return k.size() == 1 ? k.get(0) : "(" + String.join(", ", k) + ")";
    }
}
