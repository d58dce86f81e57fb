package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import io.citus.warp.preflight.ColumnDiff.Compatibility;
import io.citus.warp.schema.TableDefinition;
import io.citus.warp.schema.TableDefinition.Column;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warp check's comparison of source and target columns: which type changes are safe. */
@Tag("unit")
class ColumnDiffTest {

    private static Column col(String name, String type, boolean notNull) {
        return new Column(name, type, notNull, null, false, (char) 0, null, null);
    }

    @Test
    void typeCompatibilityAndColumnDiff() {
        assertEquals(Compatibility.SAME, ColumnDiff.compatibility("integer", "integer"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("integer", "bigint"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("bigint", "integer"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("character varying(10)", "text"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("character varying(10)", "character varying(5)"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("numeric(10,2)", "numeric(12,2)"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("numeric(10,2)", "numeric(10,3)"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("text", "integer"));

        TableName n = TableName.parse("t");
        TableDefinition source = new TableDefinition(n, List.of(col("id", "integer", true), col("v", "text", false),
                col("gone", "date", false)), List.of(), List.of(), 'd');
        TableDefinition target = new TableDefinition(n, List.of(col("id", "bigint", true), col("v", "integer", false),
                col("extra", "text", true)), List.of(), List.of(), 'd');
        List<Finding> diff = ColumnDiff.compare(source, target);
        assertEquals(List.of(Finding.Level.WARN, Finding.Level.BLOCKER, Finding.Level.BLOCKER, Finding.Level.BLOCKER),
                diff.stream().map(Finding::level).toList(), diff.toString());
        assertTrue(diff.get(1).detail().contains("column v: source text, target integer"), diff.get(1).detail());
        assertTrue(diff.get(2).detail().contains("gone"), diff.get(2).detail());
        assertTrue(diff.get(3).detail().contains("extra target column extra is NOT NULL"), diff.get(3).detail());
    }
}
