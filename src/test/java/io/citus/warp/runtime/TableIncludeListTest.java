package io.citus.warp.runtime;

import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The include list Warp renders, read by Debezium's own filter (its 3.6 classes from the unpacked plugin archive)
 * and by {@link TableIncludeList}'s reading of it: each migrated table is captured, and no other table is — not one
 * whose name differs only in case, nor one that a regex character in the migrated name would also match.
 */
@Tag("unit")
class TableIncludeListTest {
    /** Migrated tables, names as PostgreSQL allows them quoted. */
    private static final List<TableName> MIGRATED = List.of(
            new TableName("public", "audit$log"),
            new TableName("public", "Orders"),
            new TableName("Odd Schema", "t (1)+[x]|y.*"),
            new TableName("s", "a,b"),
            new TableName("s", "back\\slash\\E"),
            new TableName("s", " padded "),
            new TableName("sch\"q", "na\u00efve \u8868"),
            new TableName("s", "select"));
    /** Other tables of the same database that must not be captured. */
    private static final List<TableName> OTHERS = List.of(
            new TableName("public", "auditXlog"),
            new TableName("public", "audit"),
            new TableName("public", "orders"),
            new TableName("public", "ORDERS"),
            new TableName("Odd Schema", "t (1)+[x]|yZZ"),
            new TableName("Odd Schema", "t 1x"),
            new TableName("odd schema", "t (1)+[x]|y.*"),
            new TableName("s", "a"),
            new TableName("s", "b"),
            new TableName("s", "padded"),
            new TableName("s", "SELECT"));

    @Test
    void debeziumCapturesExactlyTheRenderedTables() throws Exception {
        String list = TableIncludeList.render(MIGRATED);
        Predicate<TableName> debezium = debeziumFilter(list);
        TableIncludeList ours = TableIncludeList.of(Map.of(TableIncludeList.INCLUDE, list));
        for (TableName t : MIGRATED) {
            assertTrue(debezium.test(t), "Debezium captures " + t + " from " + list);
            assertTrue(ours.captures(t), "read as Debezium reads it: " + t);
        }
        for (TableName t : OTHERS) {
            assertFalse(debezium.test(t), "Debezium leaves out " + t + " with " + list);
            assertFalse(ours.captures(t), "read as Debezium reads it: " + t);
        }
    }

    /** The list Warp rendered before (only dots escaped): Debezium captured nothing of a table with '$' in its name. */
    @Test
    void escapingOnlyDotsLostTablesWithRegexCharacters() throws Exception {
        String dotsOnly = "public\\.audit$log,public\\.Orders";
        Predicate<TableName> debezium = debeziumFilter(dotsOnly);
        assertFalse(debezium.test(new TableName("public", "audit$log")));
        assertTrue(debezium.test(new TableName("public", "orders")), "and it matched another table differing in case");
        TableIncludeList ours = TableIncludeList.of(Map.of(TableIncludeList.INCLUDE, dotsOnly));
        assertFalse(ours.captures(new TableName("public", "audit$log")));
        assertTrue(ours.captures(new TableName("public", "orders")));
    }

    @Test
    void readsDebeziumsOtherFilters() {
        TableIncludeList none = TableIncludeList.of(Map.of());
        assertTrue(none.captures(new TableName("any", "table")), "no list: every table");
        TableIncludeList excluded = TableIncludeList.of(Map.of(TableIncludeList.EXCLUDE, "public\\.secret.*, other\\.x"));
        assertFalse(excluded.captures(new TableName("public", "secrets")));
        assertFalse(excluded.captures(new TableName("other", "X")), "Debezium compiles entries case-insensitively");
        assertTrue(excluded.captures(new TableName("public", "open")));
        TableIncludeList schemas = TableIncludeList.of(Map.of(TableIncludeList.SCHEMA_INCLUDE, "app,billing"));
        assertTrue(schemas.captures(new TableName("billing", "t")));
        assertFalse(schemas.captures(new TableName("public", "t")));
        assertEquals("(?-i)public\\.orders", TableIncludeList.entry(new TableName("public", "orders")), "plain names stay readable");
    }

    /** Debezium's table selector, built from its own classes, as a predicate over table names. */
    private static Predicate<TableName> debeziumFilter(String includeList) throws Exception {
        Path plugin = Paths.get(System.getProperty("warp.plugin.path", "target/plugins")).resolve("debezium-connector-postgres");
        List<URL> jars;
        try (Stream<Path> files = Files.list(plugin)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).map(p -> {
                try {
                    return p.toUri().toURL();
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertFalse(jars.isEmpty(), "the Debezium plugin archive is unpacked in " + plugin + " (mvn verify does it)");
        URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), null);
        Class<?> selectors = loader.loadClass("io.debezium.relational.Selectors");
        Object builder = selectors.getMethod("tableSelector").invoke(null);
        builder = builder.getClass().getMethod("includeTables", String.class).invoke(builder, includeList);
        @SuppressWarnings("unchecked")
        Predicate<Object> predicate = (Predicate<Object>) builder.getClass().getMethod("build").invoke(builder);
        Class<?> tableId = loader.loadClass("io.debezium.relational.TableId");
        var constructor = tableId.getConstructor(String.class, String.class, String.class);
        return t -> {
            try {
                return predicate.test(constructor.newInstance(null, t.schema(), t.table()));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
