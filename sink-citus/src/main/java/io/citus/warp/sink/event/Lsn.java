package io.citus.warp.sink.event;

/** PostgreSQL WAL positions: Debezium sends them as numbers; PostgreSQL and humans read them as X/Y. */
public final class Lsn {
    private Lsn() {
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** Parses a decimal LSN as found in Debezium's {@code sequence} and transaction ids; -1 when absent. */
    public static long parseDecimal(String text) {
        if (text == null || text.isEmpty() || "null".equals(text)) {
            return -1;
        }
        return Long.parseLong(text);
    }
}
