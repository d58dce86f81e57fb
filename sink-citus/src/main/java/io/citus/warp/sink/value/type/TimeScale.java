package io.citus.warp.sink.value.type;

/** The unit of an integer time value Debezium sends (milli-, micro- or nanoseconds), as microseconds. */
enum TimeScale {
    MILLIS(1_000, 1),
    MICROS(1, 1),
    NANOS(1, 1_000);

    /** Microseconds per unit (milliseconds: 1000). */
    final long multiplier;
    /** Units per microsecond (nanoseconds: 1000), rounded down. */
    final long divisor;

    TimeScale(long multiplier, long divisor) {
        this.multiplier = multiplier;
        this.divisor = divisor;
    }

    long micros(Object value) {
        return Math.floorDiv(((Number) value).longValue(), divisor) * multiplier;
    }
}
