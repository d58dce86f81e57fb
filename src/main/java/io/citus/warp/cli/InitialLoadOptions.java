package io.citus.warp.cli;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.SchemaChangeTracking;
import io.citus.warp.schema.TablesAtStart;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the target gets its initial rows: Warp's own base copy (default) or Debezium's snapshot. Shared by
 * {@code warp start} and {@code warp migrate}; {@link #load} runs the base copy, if chosen, and deploys the connectors
 * (through a {@link BaseCopy.Streaming}) as soon as its slot exists.
 */
public final class InitialLoadOptions {
    @Mixin
    InitialLoadMode mode = new InitialLoadMode();

    @Option(names = "--copy-parallelism", paramLabel = "N",
            description = "Base copy: parallel COPY streams, each a source and a target connection (default: the number of cores, at least 2).")
    int parallelism = BaseCopyOptions.defaultParallelism();

    @Option(names = "--copy-range-rows", paramLabel = "ROWS",
            description = "Base copy: tables are split into ranges of about this many rows (default: ${DEFAULT-VALUE}).")
    long rangeRows = BaseCopyOptions.DEFAULT_RANGE_ROWS;

    @Option(names = "--copy-binary", description = "Base copy: COPY in binary format (column types must match exactly; default: text).")
    boolean binary;

    public boolean baseCopy() {
        return mode.baseCopy();
    }

    /**
     * Why the chosen initial load cannot load these tables, if so: Debezium's snapshot loads them one after another in
     * its own order, which foreign keys between them on the target refuse (the base copy sets them aside).
     */
    List<String> refusals(PgEndpoint target, List<TableName> tables) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        if (baseCopy()) {
            return out;
        }
        try (java.sql.Connection c = target.connect()) {
            io.citus.warp.schema.CatalogReader catalog = new io.citus.warp.schema.CatalogReader(c);
            for (TableName t : tables) {
                if (!catalog.exists(t)) {
                    continue;
                }
                for (io.citus.warp.schema.CatalogReader.ForeignKey fk : catalog.foreignKeys(t)) {
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

    /** The user's source overrides, on top of the settings the chosen initial load needs. */
    Map<String, String> sourceOverrides(Map<String, String> user) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (baseCopy()) {
            merged.putAll(BaseCopy.SOURCE_SETTINGS);
        }
        merged.putAll(user);
        return merged;
    }

    /**
     * The user's sink overrides, on top of the settings the chosen initial load needs: the slot whose captured schema
     * changes the sink follows, and the base copy's slot to wait for.
     */
    Map<String, String> sinkOverrides(MigrationNames names, Map<String, String> user) {
        Map<String, String> merged = new LinkedHashMap<>();
        merged.put(io.citus.warp.common.SinkConfigKeys.SCHEMA_CHANGES_SLOT, names.slot());
        if (baseCopy()) {
            merged.put(io.citus.warp.common.SinkConfigKeys.BASE_COPY_SLOT, names.slot());
        }
        merged.putAll(user);
        return merged;
    }

    /**
     * Loads the existing rows and starts {@code streaming} (the connectors). With the base copy, streaming starts as soon
     * as the copy's slot exists, so the connectors' start-up overlaps the copy (the sink holds the stream until the copy
     * has finished); an earlier interrupted attempt is started over, a finished one skipped. With Debezium's snapshot,
     * streaming starts at once.
     */
    void load(MigrationPlan plan, Map<String, String> sinkOverrides, BaseCopy.Streaming streaming, PrintWriter out)
            throws Exception {
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
        if (!baseCopy()) {
            streaming.start();
            return;
        }
        BaseCopy copy = new BaseCopy(plan.source(), plan.target(), plan.progressSchema(),
                new BaseCopyOptions(parallelism, rangeRows, binary),
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
    static List<TableCopy> targets(List<TableName> tables, Map<String, String> sinkOverrides) {
        TableMapping mapping = TableMapping.of(sinkOverrides);
        List<TableCopy> out = new ArrayList<>();
        for (TableName t : tables) {
            out.add(new TableCopy(t, mapping.target(t)));
        }
        return out;
    }
}
