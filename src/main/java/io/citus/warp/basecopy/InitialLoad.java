package io.citus.warp.basecopy;

import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.SchemaChangeTracking;
import io.citus.warp.schema.TablesAtStart;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A migration's initial load: the target gets the rows the source has, by Warp's base copy or by Debezium's snapshot,
 * and the connectors start. Before either, the capture of schema changes is installed on the source and the source's
 * tables are recorded (those created later are named by status, check and verify).
 */
public final class InitialLoad {
    private InitialLoad() {
    }

    /**
     * Why Debezium's snapshot cannot load these tables, if so: it loads them one after another in its own order, which
     * foreign keys between them on the target refuse (the base copy sets them aside).
     */
    public static List<String> debeziumSnapshotRefusals(PgEndpoint target, List<TableName> tables) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Connection c = target.connect()) {
            CatalogReader catalog = new CatalogReader(c);
            for (TableName t : tables) {
                if (!catalog.exists(t)) {
                    continue;
                }
                for (CatalogReader.ForeignKey fk : catalog.foreignKeys(t)) {
                    if (tables.contains(fk.referenced())) {
                        out.add("foreign key " + fk.name() + " of " + t + " references " + fk.referenced() + " on the target: Debezium's"
                                + " snapshot loads tables in its own order, which it refuses; use the base copy (the default), or drop"
                                + " the key on the target until the snapshot is complete");
                    }
                }
            }
        }
        return out;
    }

    /**
     * Loads the existing rows and starts {@code streaming} (the connectors). With the base copy, streaming starts as soon
     * as the copy's slot exists, so the connectors' start-up overlaps the copy (the sink holds the stream until the copy
     * has finished); an earlier interrupted attempt is started over, a finished one skipped. With Debezium's snapshot,
     * streaming starts at once.
     *
     * @param baseCopy      the base copy's options; null: Debezium's snapshot loads the rows
     * @param sinkOverrides the sink's settings beyond the shipped config: its schema.mapping / table.mapping say where
     *                      the copy writes each table
     */
    public static void run(MigrationPlan plan, BaseCopyOptions baseCopy, Map<String, String> sinkOverrides,
                           BaseCopy.Streaming streaming, PrintWriter out) throws Exception {
        List<TableName> tables = plan.tables();
        // Before the slot exists: every schema change after its consistent point is then in the stream.
        try (java.sql.Connection c = plan.source().connect(); java.sql.Connection t = plan.target().connect()) {
            SchemaChangeTracking.Outcome capture = SchemaChangeTracking.install(c, plan.names().slot(), tables);
            out.println((capture.capturing() ? "" : "WARN  ") + capture.detail());
            out.flush();
            // Which tables the source has now: those created later are named by status, check and verify.
            TablesAtStart.record(t, plan.progressSchema(), plan.names().stream(),
                    new CatalogReader(c).userTables(plan.progressSchema()), tables);
        }
        if (baseCopy == null) {
            streaming.start();
            return;
        }
        BaseCopy copy = new BaseCopy(plan.source(), plan.target(), plan.progressSchema(), baseCopy,
                line -> {
                    out.println(line);
                    out.flush();
                });
        copy.run(plan.names().slot(), plan.names().publication(), targets(tables, sinkOverrides), streaming);
    }

    /**
     * Where each table goes: exactly where the sink writes its changes, the sink's schema.mapping / table.mapping
     * (given as --sink-config) read by the one parser both use (common/TableMapping).
     */
    public static List<TableCopy> targets(List<TableName> tables, Map<String, String> sinkOverrides) {
        TableMapping mapping = TableMapping.of(sinkOverrides);
        List<TableCopy> out = new ArrayList<>();
        for (TableName t : tables) {
            out.add(new TableCopy(t, mapping.target(t)));
        }
        return out;
    }
}
