package io.citus.warp.basecopy;

/**
 * How a base copy runs.
 *
 * @param parallelism number of copy streams: each is one source connection in the exported snapshot and one
 *                    target connection, copying one range at a time
 * @param rangeRows   a table with more (estimated) rows than this is split into ranges of about this many rows
 * @param binary      COPY in binary format rather than text (needs identical column types on both sides)
 */
public record BaseCopyOptions(int parallelism, long rangeRows, boolean binary) {
    public static final long DEFAULT_RANGE_ROWS = 100_000;

    public BaseCopyOptions {
        if (parallelism < 1) {
            throw new IllegalArgumentException("base copy parallelism must be at least 1: " + parallelism);
        }
        if (rangeRows < 1) {
            throw new IllegalArgumentException("base copy range size must be at least 1 row: " + rangeRows);
        }
    }

    /** One stream per core (at least 2: a copy stream waits on the source and the target in turn), text format. */
    public static int defaultParallelism() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public static BaseCopyOptions defaults() {
        return new BaseCopyOptions(defaultParallelism(), DEFAULT_RANGE_ROWS, false);
    }
}
