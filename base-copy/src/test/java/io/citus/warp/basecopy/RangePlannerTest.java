package io.citus.warp.basecopy;

import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The pure half of the base copy's range planner: each table shape (as the snapshot's catalog reads it) against the
 * ranges it becomes. Every plan must also cover the whole table: open first and last bounds, each range starting where
 * the one before ended.
 */
@Tag("unit")
class RangePlannerTest {
    private static final TableCopy TABLE = new TableCopy(TableName.parse("public.t"), TableName.parse("app.t"));

    /**
     * Columns: relkind, reltuples, blocks, key column ("-": none), key min and max ("-": empty table), rangeRows,
     * TID range scans (PostgreSQL 14+), then the expected ranges ("KIND lower..upper ~estimate", "-" an open bound).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty table with an integer key        | r | 0    | 0   | id | -  | -  | 100 | true  | WHOLE -..- ~0
            empty table never analyzed, no key     | r | -1   | 0   | -  | -  | -  | 100 | true  | WHOLE -..- ~0
            small table: one range                 | r | 100  | 4   | id | 1  | 100| 1000| true  | WHOLE -..- ~100
            fewer keys than ranges                 | r | 1000 | 40  | id | 1  | 3  | 10  | true  | KEY -..2 ~333; KEY 2..3 ~333; KEY 3..- ~333
            width rounds up: fewer ranges than asked| r | 400  | 40  | id | 1  | 5  | 100 | true  | KEY -..3 ~133; KEY 3..5 ~133; KEY 5..- ~133
            analyzed empty, rows since: keys count | r | 0    | 1   | id | 1  | 10 | 3   | true  | KEY -..4 ~2; KEY 4..7 ~2; KEY 7..10 ~2; KEY 10..- ~2
            negative keys                          | r | 300  | 10  | id | -30| -1 | 100 | true  | KEY -..-20 ~100; KEY -20..-10 ~100; KEY -10..- ~100
            bigint from min to max                 | r | 4000000 | 9000 | id | -9223372036854775808 | 9223372036854775807 | 1000000 | true | KEY -..-4611686018427387904 ~1000000; KEY -4611686018427387904..0 ~1000000; KEY 0..4611686018427387904 ~1000000; KEY 4611686018427387904..- ~1000000
            no key: split by blocks                | r | 1000 | 64  | -  | -  | -  | 100 | true  | BLOCKS -..16 ~250; BLOCKS 16..32 ~250; BLOCKS 32..48 ~250; BLOCKS 48..- ~250
            no key, before PostgreSQL 14           | r | 1000 | 64  | -  | -  | -  | 100 | false | WHOLE -..- ~1000
            no key, too few blocks to split        | r | 1000 | 31  | -  | -  | -  | 100 | true  | WHOLE -..- ~1000
            partitioned without a key              | p | 1000 | 0   | -  | -  | -  | 100 | true  | WHOLE -..- ~1000
            partitioned with a key                 | p | 300  | 0   | id | 1  | 3  | 100 | true  | KEY -..2 ~100; KEY 2..3 ~100; KEY 3..- ~100
            """)
    void splitsEachShape(String name, String relkind, long reltuples, long blocks, String key, String min, String max,
                         long rangeRows, boolean tidRangeScan, String expected) {
        TableShape shape = new TableShape(TABLE, "\"id\", \"v\"", relkind, reltuples, blocks, "-".equals(key) ? null : key,
                "-".equals(min) ? null : new BigInteger(min), "-".equals(max) ? null : new BigInteger(max));
        List<CopyRange> ranges = RangePlanner.split(shape, rangeRows, tidRangeScan);
        assertEquals(expected, ranges.stream().map(RangePlannerTest::describe).collect(Collectors.joining("; ")));
        assertCoversTheTable(ranges, "r".equals(relkind));
    }

    @Test
    void bigintKeyNeverAnalyzedIsCappedAtTheMostRanges() {
        TableShape shape = new TableShape(TABLE, "\"id\"", "r", -1, 10, "id", BigInteger.valueOf(Long.MIN_VALUE),
                BigInteger.valueOf(Long.MAX_VALUE));
        List<CopyRange> ranges = RangePlanner.split(shape, 1000, true);
        assertEquals(100_000, ranges.size());
        assertCoversTheTable(ranges, true);
    }

    private static void assertCoversTheTable(List<CopyRange> ranges, boolean only) {
        assertNull(ranges.get(0).lower(), "the first range is open below");
        assertNull(ranges.get(ranges.size() - 1).upper(), "the last range is open above");
        for (int i = 0; i < ranges.size(); i++) {
            CopyRange r = ranges.get(i);
            assertEquals(i, r.rangeNo());
            assertEquals(ranges.size(), r.ranges());
            assertEquals(only, r.only(), "a regular table is read with ONLY, a partitioned one through its partitions");
            assertEquals(TABLE.source(), r.source());
            assertEquals(TABLE.target(), r.target());
            if (i > 0) {
                assertEquals(ranges.get(i - 1).upper(), r.lower(), "range " + i + " starts where the one before ended");
            }
        }
    }

    private static String describe(CopyRange r) {
        return r.kind() + " " + (r.lower() == null ? "-" : r.lower()) + ".." + (r.upper() == null ? "-" : r.upper()) + " ~"
                + r.estimatedRows();
    }
}
