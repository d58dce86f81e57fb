package io.citus.warp.cli;

import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --initial-load: which Debezium snapshot mode is deployed, and where the base copy puts each table. */
@Tag("unit")
class InitialLoadOptionsTest {
    private static final String[] START = {"start", "--source", "jdbc:postgresql://src:5432/app?user=u", "--target",
            "jdbc:postgresql://dst:5432/app?user=u", "--tables", "public.a", "--print", "--secrets-file", "/s.properties"};

    private static String print(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(START), java.util.Arrays.stream(extra)).toArray(String[]::new);
        assertEquals(Warp.OK, Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args), err.toString());
        return out.toString();
    }

    @Test
    void baseCopyIsTheDefaultAndDebeziumStreamsFromItsSlotWithoutASnapshot() {
        assertTrue(print().contains("\"snapshot.mode\" : \"no_data\""), print());
        assertTrue(print("--initial-load=debezium").contains("\"snapshot.mode\" : \"initial\""), print("--initial-load=debezium"));
        String overridden = print("--source-config", "snapshot.mode=never");
        assertTrue(overridden.contains("\"snapshot.mode\" : \"never\""), "an explicit --source-config wins: " + overridden);
    }

    @Test
    void unknownModeIsAUsageError() {
        StringWriter err = new StringWriter();
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(START), java.util.stream.Stream.of("--initial-load=fast"))
                .toArray(String[]::new);
        assertEquals(Warp.USAGE, Warp.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args));
        assertTrue(err.toString().contains("base-copy, connector or debezium"), err.toString());
    }

    @Test
    void baseCopyTargetsFollowTheSinksSchemaAndTableMapping() {
        List<TableName> tables = List.of(TableName.parse("public.a"), TableName.parse("public.b"), TableName.parse("other.c"));
        List<TableCopy> copies = io.citus.warp.basecopy.InitialLoad.targets(tables, Map.of("schema.mapping", "public=app", "table.mapping",
                "public.b=sales.bee"));
        assertEquals(List.of(new TableCopy(tables.get(0), new TableName("app", "a")),
                new TableCopy(tables.get(1), new TableName("sales", "bee")),
                new TableCopy(tables.get(2), tables.get(2))), copies);
    }

    /**
     * The copy writes where the sink writes: table.mapping's entries as the sink parses them (a bare name is in public,
     * quotes are removed). The copy used to look the raw entry up, so {@code orders=sales.orders} copied into
     * public.orders while the stream went to sales.orders.
     */
    @Test
    void tableMappingIsReadByTheSinksParser() {
        List<TableName> tables = List.of(new TableName("public", "orders"), new TableName("Odd Schema", "a.b"),
                new TableName("public", "plain"));
        Map<String, String> sink = Map.of("table.mapping", "orders=sales.orders, \"Odd Schema\".\"a.b\"=\"Target\".ab");
        List<TableCopy> copies = io.citus.warp.basecopy.InitialLoad.targets(tables, sink);
        io.citus.warp.common.TableMapping sinks = io.citus.warp.common.TableMapping.of(sink);
        for (TableCopy copy : copies) {
            assertEquals(sinks.target(copy.source()), copy.target(), "the copy and the sink agree on " + copy.source());
        }
        assertEquals(new TableName("sales", "orders"), copies.get(0).target());
        assertEquals(new TableName("Target", "ab"), copies.get(1).target());
        assertEquals(new TableName("public", "plain"), copies.get(2).target());
    }
}
