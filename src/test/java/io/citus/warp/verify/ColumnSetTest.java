package io.citus.warp.verify;

import io.citus.warp.common.TableName;
import io.citus.warp.schema.TableDefinition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** warp verify compares the column sets first: a schema change the target did not follow is a difference. */
@Tag("unit")
class ColumnSetTest {
    private static TableDefinition table(String... columns) {
        return new TableDefinition(new TableName("public", "t"), Arrays.stream(columns)
                .map(c -> new TableDefinition.Column(c, "text", false, null, false, (char) 0, null, null)).toList(), List.of(), List.of(), 'd');
    }

    @Test
    void columnsOnOneSideOnlyAreNamed() {
        assertNull(TableVerifier.columnSetDifference(table("id", "a", "b"), table("b", "id", "a")), "order does not matter");
        assertEquals("columns differ (a schema change the target did not follow): only on the source [c] only on the target [old]",
                TableVerifier.columnSetDifference(table("id", "c"), table("id", "old")));
        assertEquals("columns differ (a schema change the target did not follow): only on the target [gone]",
                TableVerifier.columnSetDifference(table("id"), table("id", "gone")));
    }
}
