package io.citus.warp.sink.event;

/** Debezium's {@code op} codes. */
public enum Op {
    READ("r"), CREATE("c"), UPDATE("u"), DELETE("d"), TRUNCATE("t");

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
