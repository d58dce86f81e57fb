package io.citus.warp.sink.apply;

import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.Identifiers;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.catalog.TargetTable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The statements the sink runs: quoted identifiers, bind parameters, Citus's rules about the distribution column. */
@Tag("unit")
class SqlTextTest {
    @Test
    void identifiersAreAlwaysQuotedWithEmbeddedQuotesDoubled() {
        assertEquals("\"order\"", Identifiers.quote("order"));
        assertEquals("\"Mixed Case\"", Identifiers.quote("Mixed Case"));
        assertEquals("\"a\"\"b\"", Identifiers.quote("a\"b"));
        assertEquals("\"My Schema\".\"select\"", Identifiers.qualified(new TableName("My Schema", "select")));
        assertThrows(IllegalArgumentException.class, () -> Identifiers.quote(""));
        assertThrows(IllegalArgumentException.class, () -> Identifiers.quote("a\0b"));
    }

    @Test
    void upsertNeverAssignsKeyOrDistributionColumns() {
        TargetTable orders = table(new CitusPlacement(CitusPlacement.Kind.DISTRIBUTED, "tenant_id"), List.of("tenant_id", "id"),
                column("tenant_id", false, false), column("id", false, false), column("note", false, false),
                column("total", false, true));
        assertEquals("INSERT INTO \"public\".\"orders\" (\"tenant_id\", \"id\", \"note\") VALUES (?, ?, ?)"
                        + " ON CONFLICT (\"tenant_id\", \"id\") DO UPDATE SET \"note\" = EXCLUDED.\"note\"",
                SqlText.upsert(orders, List.of("tenant_id", "id", "note")));
    }

    @Test
    void upsertOfOnlyKeyColumnsDoesNothingOnConflict() {
        TargetTable link = table(CitusPlacement.NOT_CITUS_TABLE, List.of("a", "b"), column("a", false, false), column("b", false, false));
        assertEquals("INSERT INTO \"public\".\"orders\" (\"a\", \"b\") VALUES (?, ?) ON CONFLICT (\"a\", \"b\") DO NOTHING",
                SqlText.upsert(link, List.of("a", "b")));
    }

    @Test
    void identityAlwaysColumnsAreWrittenWithOverridingSystemValue() {
        TargetTable t = table(CitusPlacement.NOT_CITUS_TABLE, List.of("id"), column("id", true, false), column("v", false, false));
        assertEquals("INSERT INTO \"public\".\"orders\" (\"id\", \"v\") OVERRIDING SYSTEM VALUE VALUES (?, ?)"
                + " ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"", SqlText.upsert(t, List.of("id", "v")));
    }

    @Test
    void updateDeleteCopyAndTruncateUseParametersAndQuotedNames() {
        TargetTable t = table(CitusPlacement.NOT_CITUS_TABLE, List.of("id"), column("id", false, false), column("from", false, false));
        assertEquals("UPDATE \"public\".\"orders\" SET \"from\" = ? WHERE \"id\" = ?", SqlText.update(t, List.of("from"), List.of("id")));
        assertEquals("DELETE FROM \"public\".\"orders\" WHERE \"id\" = ?", SqlText.delete(t, List.of("id")));
        assertEquals("COPY \"public\".\"orders\" (\"id\", \"from\") FROM STDIN", SqlText.copy(t, List.of("id", "from")));
        assertEquals("TRUNCATE \"public\".\"orders\", \"public\".\"orders\"", SqlText.truncate(List.of(t, t)));
    }

    @Test
    void aTargetWithoutPrimaryKeyIsRefusedWithTheFix() {
        TargetTable t = table(CitusPlacement.NOT_CITUS_TABLE, List.of(), column("v", false, false));
        assertThrows(io.citus.warp.sink.errors.ApplyException.class, () -> SqlText.upsert(t, List.of("v")));
    }

    private static TargetColumn column(String name, boolean identityAlways, boolean generated) {
        return new TargetColumn(name, "text", "text", 'S', null, identityAlways, generated, false, 0);
    }

    private static TargetTable table(CitusPlacement placement, List<String> pk, TargetColumn... columns) {
        Map<String, TargetColumn> map = new LinkedHashMap<>();
        for (TargetColumn c : columns) {
            map.put(c.name(), c);
        }
        return new TargetTable(new TableName("public", "orders"), map, pk, placement);
    }
}
