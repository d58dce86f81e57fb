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
        beforeTheSlot(plan, out);
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
     * Before the slot exists: the capture of schema changes (every change after the slot's consistent point is then in
     * the stream) and the record of which tables the source has now (those created later are named by status, check and
     * verify).
     */
    private static void beforeTheSlot(MigrationPlan plan, PrintWriter out) throws java.sql.SQLException {
        try (java.sql.Connection c = plan.source().connect(); java.sql.Connection t = plan.target().connect()) {
            SchemaChangeTracking.Outcome capture = SchemaChangeTracking.install(c, plan.names().slot(), plan.tables());
            out.println((capture.capturing() ? "" : "WARN  ") + capture.detail());
            out.flush();
            TablesAtStart.record(t, plan.progressSchema(), plan.names().stream(),
                    new CatalogReader(c).userTables(plan.progressSchema()), plan.tables());
        }
    }

    /** How often warp reports the progress of a copy running inside Connect. */
    private static final long REPORT_NANOS = 5_000_000_000L;

    /**
     * The base copy inside Connect: deploys the three connectors ({@code streaming} carries the base-copy connector) and
     * waits until the copy's record on the target says it has finished, reporting its progress; fails when the
     * base-copy connector or one of its tasks has FAILED (with the first line of its trace). The publication is created
     * first, as the in-process copy creates it, so Debezium streams exactly the migrated tables (ONLY the regular ones).
     * Debezium creates the slot; the connector takes its snapshot after it (see CopyCoordinator).
     */
    public static void runInConnect(MigrationPlan plan, io.citus.warp.runtime.ConnectorStreaming streaming, PrintWriter out)
            throws Exception {
        beforeTheSlot(plan, out);
        try (java.sql.Connection c = plan.source().connect()) {
            BaseCopy.ensurePublication(c, plan.names().publication(), plan.tables());
        }
        streaming.start();
        out.println("base copy: running inside Connect (" + plan.names().copyConnector() + "); waiting until it has finished");
        out.flush();
        long reported = 0;
        while (true) {
            java.util.Optional<io.citus.warp.common.BaseCopyTables.SlotCopy> copy;
            try (java.sql.Connection t = plan.target().connect()) {
                copy = io.citus.warp.common.BaseCopyTables.read(t, plan.progressSchema(), plan.names().slot());
            }
            if (copy.isPresent() && copy.get().finished()) {
                io.citus.warp.common.BaseCopyTables.SlotCopy done = copy.get();
                out.println(String.format("base copy: finished inside Connect, attempt %d: %,d rows in %,d range(s); streaming"
                        + " starts at %s", done.attempt(), done.rowsCopied(), done.ranges(), done.consistentLsn()));
                out.flush();
                return;
            }
            String failure = streaming.copyFailure();
            if (failure != null) {
                throw new IllegalStateException("the base copy inside Connect stopped: " + failure);
            }
            if (System.nanoTime() - reported > REPORT_NANOS) {
                reported = System.nanoTime();
                out.println(copy.map(c -> String.format("base copy: attempt %d, %,d of ~%,d rows, %,d of %,d ranges copied",
                        c.attempt(), c.rowsCopied(), c.rowsEstimated(), c.rangesCopied(), c.ranges()))
                        .orElse("base copy: waiting for the base-copy connector to plan (it starts once the source connector's"
                                + " slot exists)"));
                out.flush();
            }
            Thread.sleep(1000);
        }
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
