package io.citus.warp.sink.event;

/**
 * Debezium's {@code op} codes, and {@link #SCHEMA_CHANGE}: a row of the source's schema-change capture table, which the
 * sink turns into DDL on the target at its place in the transaction (its code is no Debezium code).
 */
public enum Op {
    READ("r"), CREATE("c"), UPDATE("u"), DELETE("d"), TRUNCATE("t"), SCHEMA_CHANGE("warp.schema_change");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Op fromCode(String code) {
        for (Op op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown Debezium op '" + code + "'");
    }
}
