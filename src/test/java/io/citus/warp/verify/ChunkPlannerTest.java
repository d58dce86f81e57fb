package io.citus.warp.verify;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warp verify's chunks: the whole key space, open at both ends, with bind parameters. */
@Tag("unit")
class ChunkPlannerTest {

    @Test
    void chunksCoverTheWholeKeySpaceWithOpenEnds() {
        List<KeyRange> ranges = ChunkPlanner.ranges(List.of(List.of("100"), List.of("200")));
        assertEquals(3, ranges.size());
        assertEquals("(-inf, 100)", ranges.get(0).toString());
        assertEquals("[100, 200)", ranges.get(1).toString());
        assertEquals("[200, +inf)", ranges.get(2).toString());
        assertEquals("\"id\" < ?::bigint", ranges.get(0).condition(List.of("\"id\""), List.of("bigint")));
        assertEquals("\"id\" >= ?::bigint AND \"id\" < ?::bigint", ranges.get(1).condition(List.of("\"id\""), List.of("bigint")));
        assertEquals(List.of("100", "200"), ranges.get(1).parameters());
        assertEquals("true", ChunkPlanner.ranges(List.of()).get(0).condition(List.of("\"id\""), List.of("int")));

        KeyRange composite = new KeyRange(List.of("1", "a"), List.of("2", "b"));
        assertEquals("(\"t\", \"k\" COLLATE \"C\") >= (?::integer, ?::text) AND (\"t\", \"k\" COLLATE \"C\") < (?::integer, ?::text)",
                composite.condition(List.of("\"t\"", "\"k\" COLLATE \"C\""), List.of("integer", "text")));
        assertEquals("[(1, a), (2, b))", composite.toString());
        assertTrue(ChunkPlanner.boundaryQuery("\"public\".\"t\"", List.of("\"id\""), List.of("\"id\""), 500)
                .endsWith("WHERE rn > 1 AND (rn - 1) % 500 = 0 ORDER BY rn"));
    }
}
