package io.citus.warp.sink.event;

import org.apache.kafka.connect.data.Struct;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * About how much memory a change event's row images hold: characters of strings, bytes of byte arrays, a few bytes
 * for other values, plus a fixed share for the event itself. Enough to bound a buffer of events by bytes when single
 * values can be tens of megabytes; not an exact measure of the Java heap.
 */
public final class EventSize {
    /** The event, its positions and schema references, when its row holds nothing large. */
    static final long EVENT_OVERHEAD = 256;
    private static final long SMALL_VALUE = 16;

    private EventSize() {
    }

    public static long of(ChangeEvent event) {
        return EVENT_OVERHEAD + value(event.before()) + value(event.after());
    }

    static long value(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            return s.length();
        }
        if (value instanceof byte[] b) {
            return b.length;
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining();
        }
        if (value instanceof Struct struct) {
            long size = 0;
            for (org.apache.kafka.connect.data.Field field : struct.schema().fields()) {
                size += SMALL_VALUE + value(struct.get(field));
            }
            return size;
        }
        if (value instanceof List<?> list) {
            long size = 0;
            for (Object element : list) {
                size += SMALL_VALUE + value(element);
            }
            return size;
        }
        if (value instanceof Map<?, ?> map) {
            long size = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                size += SMALL_VALUE + value(e.getKey()) + value(e.getValue());
            }
            return size;
        }
        return SMALL_VALUE;
    }
}
