package io.citus.warp.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.basecopy.BaseCopyProgress;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectRestException;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;
import io.citus.warp.status.MigrationStatus.ConnectorState;
import io.citus.warp.status.MigrationStatus.SinkProgress;
import io.citus.warp.status.MigrationStatus.SlotState;
import io.citus.warp.status.MigrationStatus.TableSnapshot;
import io.citus.warp.status.MigrationStatus.TaskState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.citus.warp.runtime.CaptureCoverage;
import io.citus.warp.runtime.KafkaClients;
import io.citus.warp.common.ProgressTables;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Collects a {@link MigrationStatus}: Connect REST, Kafka Admin, the source's slot and the sink's progress tables. */
public final class StatusProbe implements AutoCloseable {
    private final ConnectClient connect;
    private final Admin admin;
    private final PgEndpoint source;
    private final PgEndpoint target;
    private final MigrationNames names;
    private final String progressSchema;
    private final List<TableName> tables;

    /**
     * @param connect the Connect cluster, or null (connector states then unknown)
     * @param kafka   warp's Kafka clients, for the sink's lag (unknown without bootstrap servers)
     */
    public StatusProbe(ConnectClient connect, KafkaClients kafka, MigrationPlan plan) {
        this.connect = connect;
        this.admin = kafka == null || !kafka.known() ? null : kafka.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
        this.source = plan.source();
        this.target = plan.target();
        this.names = plan.names();
        this.progressSchema = plan.progressSchema();
        this.tables = plan.tables();
    }

    public MigrationStatus probe() throws SQLException {
        List<String> notes = new ArrayList<>();
        List<ConnectorState> connectors = new ArrayList<>();
        boolean deployed = true;
        boolean failed = false;
        boolean copyConnectorRunning = false;
        if (connect == null) {
            notes.add("no --connect-url: connector states unknown");
        } else {
            for (String name : List.of(names.sourceConnector(), names.sinkConnector())) {
                ConnectorState state = connectorState(name);
                connectors.add(state);
                deployed &= !"NOT DEPLOYED".equals(state.state());
                failed |= "FAILED".equals(state.state()) || state.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()));
            }
            // The base copy inside Connect (connectors/config/base-copy.json), when deployed under warp's name for it.
            ConnectorState copy = connectorState(names.copyConnector());
            if (!"NOT DEPLOYED".equals(copy.state())) {
                connectors.add(copy);
                copyConnectorRunning = "RUNNING".equals(copy.state());
                failed |= "FAILED".equals(copy.state()) || copy.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()));
            }
        }
        boolean uncaptured = deployed && !capturesEveryTable(notes);
        SinkProgress sink = null;
        List<TableSnapshot> snapshot = new ArrayList<>();
        List<TableSnapshot> baseCopy = new ArrayList<>();
        ProgressLocation at = location();
        java.util.Optional<io.citus.warp.schema.TablesAtStart.Recorded> recorded;
        if (at.fromDeployedSink() && !at.stream().equals(names.stream())) {
            notes.add("the sink records its progress as stream " + at.stream() + " (its progress.stream or connector name)");
        }
        try (Connection t = target.connect()) {
            for (BaseCopyProgress.TableProgress p : new BaseCopyProgress(progressSchema).read(t, names.slot())) {
                baseCopy.add(new TableSnapshot(p.table(), p.rowsCopied(), p.estimatedRows(), p.completed()));
            }
            schemaChanges(t, at, notes);
            recorded = io.citus.warp.schema.TablesAtStart.read(t, progressSchema, names.stream());
            if (hasProgressTables(t, at)) {
                sink = sinkProgress(t, at);
                for (String[] r : Sql.rows(t, ProgressTables.snapshotQuery(at.schema()), at.stream())) {
                    // The sink records target tables; status names (and estimates) the source table they come from.
                    snapshot.add(new TableSnapshot(at.sourceOf(r[0]).toString(), Long.parseLong(r[1]), -1, "t".equals(r[2])));
                }
            }
        }
        SlotState slot;
        boolean baseCopyRunning = false;
        try (Connection s = source.connect()) {
            List<TableSnapshot> withEstimates = new ArrayList<>();
            for (TableSnapshot ts : snapshot) {
                String est = Sql.one(s, "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(?)",
                        TableName.ofStored(ts.table()).quoted());
                withEstimates.add(new TableSnapshot(ts.table(), ts.rowsApplied(), est == null ? -1 : Long.parseLong(est), ts.completed()));
            }
            snapshot = withEstimates;
            if (recorded.isPresent()) {
                List<TableName> created = io.citus.warp.schema.TablesAtStart.createdSince(s, recorded.get(), progressSchema);
                if (!created.isEmpty()) {
                    notes.add(io.citus.warp.schema.TablesAtStart.describe(created));
                }
            }
            snapshot.addAll(baseCopy);
            slot = slot(s);
            if (baseCopy.stream().anyMatch(ts -> !ts.completed())) {
                baseCopyRunning = copyConnectorRunning || !"0".equals(Sql.one(s, "SELECT count(*) FROM pg_stat_activity WHERE"
                        + " datname = current_database() AND application_name = 'warp-basecopy'"));
                notes.add(copyConnectorRunning ? "base copy running in Connect (" + names.copyConnector() + ")"
                        : baseCopyRunning ? "base copy running (warp start / warp migrate)"
                        : "base copy incomplete and not running: run warp start (or migrate) again, or restart the base-copy"
                        + " connector; either starts the copy over");
            }
        }
        long[] offsets = kafkaOffsets(sink, notes);
        Long end = offsets == null ? null : offsets[0];
        Long applied = offsets == null ? null : offsets[1];
        Long lag = offsets == null ? null : Math.max(0, end - applied);
        boolean snapshotPending = snapshot.stream().anyMatch(ts -> !ts.completed()) || !sourceSnapshotDone(notes);
        // The base copy runs before the connectors are deployed; once finished it is the applied snapshot.
        boolean baseCopied = !baseCopy.isEmpty() && baseCopy.stream().allMatch(TableSnapshot::completed);
        Verdict verdict = baseCopyRunning ? Verdict.SNAPSHOTTING
                : Verdict.decide(deployed, failed, snapshotPending, sink != null || baseCopied, lag == null ? -1 : lag);
        if (uncaptured && verdict != Verdict.FAILED && verdict != Verdict.NOT_DEPLOYED) {
            verdict = Verdict.NOT_CAPTURED;
        }
        String proof = null;
        if (verdict == Verdict.CAUGHT_UP) {
            // Lag 0 is a sample; CAUGHT UP is claimed only with proof that a position taken now is applied.
            proof = proveCaughtUp(notes);
            if (proof == null) {
                verdict = Verdict.CATCHING_UP;
            }
        }
        Double delay = null;
        if (sink != null && sink.secondsSinceSourceCommit() >= 0) {
            // Behind means: the newest applied source commit is this old. Caught up means nothing is waiting.
            delay = verdict == Verdict.CAUGHT_UP ? 0.0 : sink.secondsSinceSourceCommit();
        }
        return new MigrationStatus(verdict, connectors, snapshot, end, applied, lag, sink, slot, delay, notes, proof);
    }

    /**
     * Whether the publication and the deployed source connector's filter let every migrated table's changes through
     * (see CaptureCoverage); what they leave out, or let through besides, goes to the notes.
     */
    private boolean capturesEveryTable(List<String> notes) throws SQLException {
        Map<String, String> sourceConfig = Map.of(); // without Connect: the publication alone is checked
        try {
            if (connect != null) {
                sourceConfig = ProgressLocation.strings(connect.connectorConfig(names.sourceConnector()));
            }
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return true;
            }
            throw e;
        }
        CaptureCoverage coverage;
        try (Connection s = source.connect()) {
            coverage = CaptureCoverage.check(s, names.publication(), sourceConfig, tables);
        }
        notes.addAll(coverage.problems(names.publication()));
        return coverage.complete();
    }

    /** The topic's end offset (read_committed) and the offset up to which the sink has applied; null when unknown. */
    private long[] kafkaOffsets(SinkProgress sink, List<String> notes) {
        if (admin == null) {
            notes.add("no --bootstrap-servers: consumer lag unknown");
            return null;
        }
        try {
            TopicPartition tp = new TopicPartition(names.topic(), 0);
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(names.consumerGroup())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(tp);
            long next = committed == null ? 0 : committed.offset();
            if (sink != null) {
                next = Math.max(next, sink.kafkaOffset() + 1);
            }
            return new long[] {end, next};
        } catch (java.util.concurrent.ExecutionException e) {
            notes.add("topic " + names.topic() + " not readable yet: " + e.getCause().getMessage());
        } catch (Exception e) {
            notes.add("consumer lag unknown: " + e.getMessage());
        }
        return null;
    }

    /**
     * Whether Debezium's committed source offset is past its initial snapshot: Connect commits a source offset only for
     * records Kafka acknowledged, so every snapshot record is then in the topic. Tables that were empty have no
     * snapshot_progress row; this is what says their snapshot is over.
     */
    private boolean sourceSnapshotDone(List<String> notes) {
        if (connect == null) {
            return true;
        }
        try {
            return snapshotRecorded(connect.offsets(names.sourceConnector()));
        } catch (ConnectRestException e) {
            if (e.status() != 404) {
                notes.add("source connector offsets unreadable: " + e.getMessage());
            }
            return false;
        }
    }

    /**
     * Whether a Debezium source connector's committed offset ({@code GET /connectors/<name>/offsets}) is past its
     * snapshot. Until it is, a crash of the worker makes Debezium take the whole snapshot again.
     */
    public static boolean snapshotRecorded(JsonNode offsetsResponse) {
        JsonNode offsets = offsetsResponse.path("offsets");
        if (!offsets.isArray() || offsets.isEmpty()) {
            return false;
        }
        JsonNode offset = offsets.get(0).path("offset");
        JsonNode snapshotFlag = offset.path("snapshot");
        return snapshotFlag.isMissingNode() || snapshotFlag.isNull() || "false".equalsIgnoreCase(snapshotFlag.asText())
                || offset.path("last_snapshot_record").asBoolean(false);
    }

    /** How long a probe waits for the source to flush up to its current insert position (see CommittedPosition). */
    private static final java.time.Duration COMMITTED_POSITION_WAIT = java.time.Duration.ofSeconds(20);

    /** Proof that everything committed on the source before a position taken now is applied, or null (see AppliedProof). */
    private String proveCaughtUp(List<String> notes) throws SQLException {
        String lsn;
        AppliedProof.Pending pending;
        try (Connection s = source.connect()) {
            // After every acknowledged commit, asynchronous ones too, and flushed: what the slot can be decoded up to.
            lsn = io.citus.warp.db.CommittedPosition.read(s, COMMITTED_POSITION_WAIT);
            pending = AppliedProof.check(s, names.slot(), names.publication(), lsn);
        } catch (IllegalStateException e) {
            notes.add("cannot prove caught up yet: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (SQLException e) {
            notes.add("cannot prove caught up (copying slot " + names.slot() + " needs the REPLICATION attribute and a free slot): "
                    + e.getMessage());
            return null;
        }
        if (pending.noneUnconfirmed()) {
            List<String> ignored = new ArrayList<>();
            SinkProgress sink;
            try (Connection t = target.connect()) {
                sink = sinkProgress(t, location());
            }
            long[] offsets = kafkaOffsets(sink, ignored);
            if (offsets != null && offsets[1] >= offsets[0]) {
                return "every captured transaction before " + lsn + " confirmed by the slot and every record up to offset " + offsets[0]
                        + " applied";
            }
            return null;
        }
        SinkProgress sink;
        try (Connection t = target.connect()) {
            sink = sinkProgress(t, location());
        }
        if (sink != null && sink.sourceTxid() != null && pending.lastXid().equals(Long.toString(sink.sourceTxid()))) {
            return "the last captured transaction before " + lsn + " (xid " + pending.lastXid() + ") is applied";
        }
        return null;
    }

    /** Where the sink writes each source table: the deployed sink's schema.mapping / table.mapping (identity without Connect). */
    public io.citus.warp.common.TableMapping mapping() {
        return location().mapping();
    }

    /**
     * The schema changes the sink stopped at (still to fix: the task is FAILED) and the last ones it applied, from the
     * progress schema's schema_changes table.
     */
    private static void schemaChanges(Connection t, ProgressLocation at, List<String> notes) throws SQLException {
        if (!"t".equals(Sql.one(t, "SELECT to_regclass(?) IS NOT NULL", ProgressTables.qualified(at.schema(), ProgressTables.SCHEMA_CHANGES)))) {
            return;
        }
        int applied = 0;
        for (String[] r : Sql.rows(t, ProgressTables.schemaChangesQuery(at.schema()), at.stream())) {
            if (ProgressTables.STOPPED.equals(r[5])) {
                notes.add("schema change STOPPED the sink at source LSN " + r[0] + ": " + r[1] + " (" + r[2] + "): " + r[3]
                        + (r[4] == null ? "" : ". Run on the target: " + r[4]) + "; then restart the sink task (its trace says why)");
            } else if (applied++ < 5) {
                notes.add("schema change applied at source LSN " + r[0] + ": " + r[1] + ": " + r[3]
                        + (r[4] == null ? " (the target already had it)" : ""));
            }
        }
    }

    /** Where the sink records its progress: the deployed sink's config when Connect is known, else warp's defaults. */
    private ProgressLocation location() {
        return ProgressLocation.resolve(connect, names, progressSchema);
    }

    private static boolean hasProgressTables(Connection t, ProgressLocation at) throws SQLException {
        return "t".equals(Sql.one(t, "SELECT to_regclass(?) IS NOT NULL", ProgressTables.qualified(at.schema(), ProgressTables.SINK_PROGRESS)));
    }

    private SinkProgress sinkProgress(Connection t, ProgressLocation at) throws SQLException {
        if (!hasProgressTables(t, at)) {
            return null;
        }
        List<String[]> rows = Sql.rows(t, ProgressTables.statusQuery(at.schema()), at.stream());
        if (rows.isEmpty()) {
            return null;
        }
        String[] r = rows.get(0);
        return new SinkProgress(Long.parseLong(r[0]), r[1], r[2] == null ? null : Long.parseLong(r[2]), r[3],
                r[4] == null ? -1 : Double.parseDouble(r[4]), Long.parseLong(r[5]), Long.parseLong(r[6]), Long.parseLong(r[7]));
    }

    private SlotState slot(Connection s) throws SQLException {
        String current = Sql.one(s, "SELECT pg_current_wal_lsn()::text");
        List<String[]> rows = Sql.rows(s, "SELECT active, restart_lsn::text, confirmed_flush_lsn::text,"
                + " (pg_current_wal_lsn() - restart_lsn)::bigint, wal_status FROM pg_replication_slots WHERE slot_name = ?", names.slot());
        if (rows.isEmpty()) {
            return new SlotState(names.slot(), false, false, null, null, current, null, null);
        }
        String[] r = rows.get(0);
        return new SlotState(names.slot(), true, "t".equals(r[0]), r[1], r[2], current, r[3] == null ? null : Long.parseLong(r[3]), r[4]);
    }

    private ConnectorState connectorState(String name) {
        try {
            JsonNode status = connect.status(name);
            List<TaskState> tasks = new ArrayList<>();
            for (JsonNode t : status.path("tasks")) {
                tasks.add(new TaskState(t.path("id").asInt(), t.path("state").asText(), t.path("trace").asText(null)));
            }
            return new ConnectorState(name, status.path("connector").path("state").asText(), tasks,
                    status.path("connector").path("trace").asText(null));
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                // Connect has no status yet for a connector created a moment ago (its worker has not started it).
                return new ConnectorState(name, connect.exists(name) ? "UNASSIGNED" : "NOT DEPLOYED", List.of(), null);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
