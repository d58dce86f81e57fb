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

    /** Dots, commas and '=' inside double quotes belong to the name, in --tables, table.mapping and schema.mapping alike. */
    @Test
    void quotedNamesMayHoldDotsCommasAndEquals() {
        assertEquals(new TableName("a.b", "c,d"), TableName.parse("\"a.b\".\"c,d\""));
        assertEquals(new TableName("public", "x.y"), TableName.parse("\"x.y\""));
        assertEquals(List.of(new TableName("s", "a,b"), new TableName("Odd Schema", "t (1)+[x]|y.*"), new TableName("public", "c")),
                TableName.parseList("s.\"a,b\", \"Odd Schema\".\"t (1)+[x]|y.*\",c"));
        assertThrows(IllegalArgumentException.class, () -> TableName.parse("a.b.c"), "an unquoted dot in a name is ambiguous");
        assertThrows(IllegalArgumentException.class, () -> TableName.parse("\"open.t"));
        TableMapping m = TableMapping.of(Map.of(SinkConfigKeys.TABLE_MAPPING, "\"a=b\".\"x,y\"=\"T.gt\".\"z\", orders=sales.orders",
                SinkConfigKeys.SCHEMA_MAPPING, "\"My Schema\"=app"));
        assertEquals(new TableName("T.gt", "z"), m.target(new TableName("a=b", "x,y")));
        assertEquals(new TableName("sales", "orders"), m.target(new TableName("public", "orders")));
        assertEquals(new TableName("app", "t"), m.target(new TableName("My Schema", "t")));
        assertEquals(new TableName("My Schema", "t"), m.source(new TableName("app", "t")));
    }

    @Test
    void streamDefaultsToTheConnectorName() {
        assertEquals("warp-x-sink", SinkConfigKeys.stream(Map.of(), "warp-x-sink"));
        assertEquals("warp-x.changes", SinkConfigKeys.stream(Map.of(SinkConfigKeys.PROGRESS_STREAM, "warp-x.changes"), "warp-x-sink"));
        assertEquals("warp", SinkConfigKeys.progressSchema(Map.of()));
    }
}
