package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class TableMappingTest {
    @Test
    void mapsSourceToTargetAndBack() {
        TableMapping m = TableMapping.of(Map.of(SinkConfigKeys.SCHEMA_MAPPING, "public=app",
                SinkConfigKeys.TABLE_MAPPING, "public.orders=sales.orders_v2, inv.items=\"Stock\".items"));
        assertEquals(new TableName("sales", "orders_v2"), m.target(TableName.parse("public.orders")));
        assertEquals(new TableName("app", "customers"), m.target(TableName.parse("customers")));
        assertEquals(new TableName("Stock", "items"), m.target(TableName.parse("inv.items")));
        assertEquals(new TableName("inv", "other"), m.target(TableName.parse("inv.other")));
        assertEquals(new TableName("public", "orders"), m.source(TableName.ofStored("sales.orders_v2")));
        assertEquals(new TableName("public", "customers"), m.source(TableName.ofStored("app.customers")));
        assertEquals(new TableName("inv", "items"), m.source(TableName.ofStored("Stock.items")));
        assertEquals(new TableName("other", "t"), m.source(TableName.ofStored("other.t")));
        assertEquals(new TableName("public", "t"), TableMapping.identity().source(TableName.ofStored("public.t")));
    }

    @Test
    void parsesQuotedNamesAndRejectsHalfEntries() {
        assertEquals(new TableName("My Schema", "Order\"s"), TableName.parse("\"My Schema\".\"Order\"\"s\""));
        assertEquals("\"My Schema\".\"Order\"\"s\"", new TableName("My Schema", "Order\"s").quoted());
        assertEquals(new TableName("\"q\"", "t"), TableName.ofStored("\"q\".t"), "stored names are taken as written");
        assertEquals(List.of(new TableName("public", "a"), new TableName("s", "b")), TableName.parseList(" a, ,s.b"));
        assertThrows(IllegalArgumentException.class, () -> new TableMapping(List.of(), List.of("public.orders=")));
    }

    @Test
    void streamDefaultsToTheConnectorName() {
        assertEquals("warp-x-sink", SinkConfigKeys.stream(Map.of(), "warp-x-sink"));
        assertEquals("warp-x.changes", SinkConfigKeys.stream(Map.of(SinkConfigKeys.PROGRESS_STREAM, "warp-x.changes"), "warp-x-sink"));
        assertEquals("warp", SinkConfigKeys.progressSchema(Map.of()));
    }
}
