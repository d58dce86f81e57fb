package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import io.citus.warp.schema.CatalogReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warp check's verdict on each schema feature, from the facts the catalogs give. */
@Tag("unit")
class SchemaFeaturesTest {
    private static final TableName DOCS = new TableName("app", "docs");

    /** Row-level security: who reads every row, who needs what. */
    @Test
    void rowLevelSecurityByTheRolesStanding() {
        record Row(boolean forced, boolean owner, boolean bypass, Finding.Level level, List<String> says) {
        }
        List<Row> rows = List.of(
                new Row(false, true, false, Finding.Level.OK, List.of("owns the table")),
                new Row(true, true, true, Finding.Level.OK, List.of("bypasses")),
                new Row(false, false, true, Finding.Level.OK, List.of("bypasses")),
                new Row(true, true, false, Finding.Level.BLOCKER, List.of("FORCE ROW LEVEL SECURITY", "BYPASSRLS",
                        "ALTER TABLE \"app\".\"docs\" NO FORCE ROW LEVEL SECURITY")),
                new Row(false, false, false, Finding.Level.BLOCKER, List.of("does not own it", "BYPASSRLS", "connect as the table's owner")));
        for (Row r : rows) {
            Finding f = SchemaFeatures.rowSecurity(new SchemaFeatures.RowSecurity(DOCS, r.forced(), r.owner(), r.bypass(), "app"));
            assertEquals(r.level(), f.level(), r.toString());
            assertTrue(f.detail().startsWith("app.docs"), f.detail());
            r.says().forEach(s -> assertTrue(f.detail().contains(s), s + " in " + f.detail()));
        }
    }

    @Test
    void partitionedTablesNeedAKeyOnTheRootAndOneLevelOnCitus() {
        TableName events = new TableName("app", "events");
        SchemaFeatures.Partitioned keyed = new SchemaFeatures.Partitioned(events, "RANGE (at)", 3, List.of(), true);
        SchemaFeatures.Partitioned noKey = new SchemaFeatures.Partitioned(events, "RANGE (at)", 3, List.of(), false);
        SchemaFeatures.Partitioned twoLevels = new SchemaFeatures.Partitioned(events, "RANGE (at)", 4,
                List.of(new TableName("app", "events_2025")), true);
        assertEquals(Finding.Level.OK, SchemaFeatures.partitioned(keyed, true).level());
        assertTrue(SchemaFeatures.partitioned(keyed, false).detail().contains("3 partition(s)"));
        Finding refused = SchemaFeatures.partitioned(noKey, false);
        assertEquals(Finding.Level.BLOCKER, refused.level());
        assertTrue(refused.detail().contains("no PRIMARY KEY on its root") && refused.detail().contains("leave the table out"), refused.detail());
        assertEquals(Finding.Level.OK, SchemaFeatures.partitioned(twoLevels, false).level(), "PostgreSQL takes several levels");
        Finding citus = SchemaFeatures.partitioned(twoLevels, true);
        assertEquals(Finding.Level.BLOCKER, citus.level());
        assertTrue(citus.detail().contains("multi-level") && citus.detail().contains("app.events_2025"), citus.detail());
    }

    @Test
    void foreignKeysBetweenMigratedTablesAreSetAsideForTheBaseCopyAndRefusedForDebeziumsSnapshot() {
        TableName customers = new TableName("app", "customers");
        TableName orders = new TableName("app", "orders");
        TableName audit = new TableName("app", "audit");
        List<CatalogReader.ForeignKey> keys = List.of(
                new CatalogReader.ForeignKey(orders, "orders_customer_fkey", customers, "FOREIGN KEY (c) REFERENCES app.customers(id)", true),
                new CatalogReader.ForeignKey(orders, "orders_audit_fkey", audit, "FOREIGN KEY (a) REFERENCES app.audit(id)", true));
        List<Finding> copy = SchemaFeatures.foreignKeys(keys, Set.of(customers, orders), false);
        assertEquals(2, copy.size());
        assertEquals(Finding.Level.OK, copy.get(0).level());
        assertTrue(copy.get(0).detail().contains("app.orders -> app.customers") && copy.get(0).detail().contains("re-added"), copy.toString());
        assertEquals(Finding.Level.WARN, copy.get(1).level());
        assertTrue(copy.get(1).detail().contains("app.orders -> app.audit"), copy.toString());
        List<Finding> snapshot = SchemaFeatures.foreignKeys(keys, Set.of(customers, orders), true);
        assertEquals(Finding.Level.BLOCKER, snapshot.get(0).level());
        assertTrue(snapshot.get(0).detail().contains("Use the base copy"), snapshot.toString());
        assertTrue(SchemaFeatures.foreignKeys(List.of(), Set.of(orders), false).isEmpty());
    }

    @Test
    void inheritanceIsAWarningSayingWhatHappensAndNamesChildrenLeftBehind() {
        List<Finding> found = SchemaFeatures.inheritance(List.<String[]>of(new String[] {"app.cars", "app.vehicles"}),
                List.of("app.trucks (of app.vehicles)"), false);
        assertEquals(2, found.size());
        assertEquals(Finding.Level.WARN, found.get(0).level());
        assertTrue(found.get(0).detail().contains("app.cars inherits from app.vehicles") && found.get(0).detail().contains("ONLY"),
                found.toString());
        assertTrue(found.get(1).detail().contains("app.trucks (of app.vehicles)") && found.get(1).detail().contains("stay behind"));
        List<Finding> comma = SchemaFeatures.inheritance(List.<String[]>of(new String[] {"app.c", "app.\"a,b\""}), List.of(), true);
        assertEquals(Finding.Level.BLOCKER, comma.get(0).level(), "Debezium's override list cannot name it");
        assertTrue(SchemaFeatures.inheritance(List.of(), List.of(), true).isEmpty());
    }
}
