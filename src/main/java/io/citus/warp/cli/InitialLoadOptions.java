package io.citus.warp.cli;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.InitialLoad;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the target gets its initial rows: Warp's own base copy (default) or Debezium's snapshot. Shared by
 * {@code warp start} and {@code warp migrate}; {@link #load} runs {@link InitialLoad} the chosen way.
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

    /** The base copy runs inside Connect: deploy the base-copy connector with {@link #copyOptions()}. */
    public boolean inConnect() {
        return mode.inConnect();
    }

    public BaseCopyOptions copyOptions() {
        return new BaseCopyOptions(parallelism, rangeRows, binary);
    }

    /**
     * Why the chosen initial load cannot load these tables, if so (Debezium's snapshot and foreign keys between them on
     * the target); the base copy sets such keys aside.
     */
    List<String> refusals(PgEndpoint target, List<TableName> tables) throws java.sql.SQLException {
        return baseCopy() ? List.of() : InitialLoad.debeziumSnapshotRefusals(target, tables);
    }

    /** The user's source overrides, on top of the settings the chosen initial load needs. */
    Map<String, String> sourceOverrides(Map<String, String> user) {
        Map<String, String> merged = new LinkedHashMap<>();
        merged.putAll(baseCopy() ? BaseCopy.SOURCE_SETTINGS : ConnectorTemplates.DEBEZIUM_SNAPSHOT_SOURCE);
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
        } else {
            merged.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        }
        merged.putAll(user);
        return merged;
    }

    /** Loads the existing rows the chosen way and starts {@code streaming} (the connectors): see {@link InitialLoad#run}. */
    void load(MigrationPlan plan, Map<String, String> sinkOverrides, io.citus.warp.runtime.ConnectorStreaming streaming, PrintWriter out)
            throws Exception {
        if (inConnect()) {
            InitialLoad.runInConnect(plan, streaming, out);
            return;
        }
        InitialLoad.run(plan, baseCopy() ? copyOptions() : null, sinkOverrides, streaming, out);
    }
}
