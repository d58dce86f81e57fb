package io.citus.warp.sink.progress;

import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;
import io.citus.warp.common.Identifiers;
import io.citus.warp.common.ProgressTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sink's position, kept on the target in the same transaction as the changes it describes
 * (pgcopydb's model): after any crash, the target itself says exactly which source transaction was
 * applied last and which Kafka record follows it. Tools ({@code warp status}) read the same tables.
 */
public final class ProgressStore {
    private final String schema;
    private final String schemaName;
    private final String stream;
    /** The ID of the topic being read, recorded with every position write; null when unknown. */
    private volatile String topicId;

    public ProgressStore(String schema, String stream) {
        this.schema = Identifiers.quote(schema);
        this.schemaName = schema;
        this.stream = stream;
    }

    public String stream() {
        return stream;
    }

    /** Commit LSN of the last streamed transaction applied, -1 before any; read inside the caller's transaction. */
    public long appliedCommitLsn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce((commit_lsn - '0/0'::pg_lsn)::bigint, -1) FROM "
                + schema + ".sink_progress WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The topic ID to record with the positions written from now on (null: unknown, record none). */
    public void useTopicId(String topicId) {
        this.topicId = topicId;
    }

    /**
     * Creates the progress tables if needed (own transaction). On Citus they become reference tables: a
     * write to a reference table touches every worker, so a target transaction that writes the progress row
     * always commits with two-phase commit, atomically with its changes even when they touch a single shard
     * placement (Citus commits a single-placement write on the worker, without 2PC, before a plain
     * coordinator table commits locally: a coordinator crash between the two would lose the progress row).
     */
    public void ensureTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : ProgressTables.ddl(schemaName)) {
                s.execute(ddl);
            }
        }
        c.commit();
        boolean citus = CitusPlacement.citusInstalled(c);
        c.commit();
        if (citus) {
            for (String table : ProgressTables.ALL) {
                makeReferenceTable(c, new TableName(schemaName, table));
            }
        }
    }

    private static void makeReferenceTable(Connection c, TableName table) throws SQLException {
        boolean placed = CitusPlacement.of(c, table).kind() != CitusPlacement.Kind.NOT_CITUS_TABLE;
        c.commit();
        if (placed) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT create_reference_table(?::regclass)")) {
            ps.setString(1, table.quoted());
            ps.execute();
        }
        c.commit();
    }

    /** What the target says was applied last, if anything. */
    public Optional<Progress> load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT kafka_topic, kafka_partition, kafka_offset,"
                + " coalesce((commit_lsn - '0/0'::pg_lsn)::bigint, -1), coalesce(source_txid, -1),"
                + " coalesce((extract(epoch FROM source_commit_time) * 1000)::bigint, -1), transactions, changes, kafka_topic_id"
                + " FROM " + schema + ".sink_progress WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Progress(new KafkaPosition(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getString(9)));
            } finally {
                c.commit();
            }
        }
    }

    /** Records applied source transactions, inside the target transaction that applied them. */
    public void recordTransactions(Connection c, KafkaPosition position, long commitLsn, long txId, long commitTsMs,
                                   long transactions, long changes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".sink_progress AS p"
                + " (stream, kafka_topic, kafka_partition, kafka_offset, commit_lsn, source_txid, source_commit_time, applied_at,"
                + "  transactions, changes, kafka_topic_id)"
                + " VALUES (?, ?, ?, ?, ?::pg_lsn, ?, to_timestamp(?::double precision / 1000), clock_timestamp(), ?, ?, ?)"
                + " ON CONFLICT (stream) DO UPDATE SET kafka_topic = EXCLUDED.kafka_topic,"
                + " kafka_topic_id = coalesce(EXCLUDED.kafka_topic_id, p.kafka_topic_id),"
                + " kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,"
                + " commit_lsn = EXCLUDED.commit_lsn, source_txid = EXCLUDED.source_txid,"
                + " source_commit_time = EXCLUDED.source_commit_time, applied_at = EXCLUDED.applied_at,"
                + " transactions = p.transactions + EXCLUDED.transactions, changes = p.changes + EXCLUDED.changes")) {
            ps.setString(1, stream);
            ps.setString(2, position.topic());
            ps.setInt(3, position.partition());
            ps.setLong(4, position.offset());
            ps.setString(5, Lsn.format(commitLsn));
            ps.setLong(6, txId);
            ps.setLong(7, commitTsMs);
            ps.setLong(8, transactions);
            ps.setLong(9, changes);
            ps.setString(10, topicId);
            ps.executeUpdate();
        }
    }

    /**
     * Records what the sink did with a captured schema change: applied (inside the target transaction that made it) or
     * stopped at (own transaction, before the task fails). A later outcome for the same change replaces an earlier one.
     */
    public void recordSchemaChange(Connection c, long sourceLsn, long txId, TableName sourceTable, TableName targetTable,
                                   String command, String change, String statements, String outcome) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + "." + ProgressTables.SCHEMA_CHANGES
                + " (stream, source_lsn, source_txid, source_table, target_table, command, change, statements, outcome, recorded_at)"
                + " VALUES (?, ?::pg_lsn, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())"
                + " ON CONFLICT (stream, source_lsn) DO UPDATE SET target_table = EXCLUDED.target_table, change = EXCLUDED.change,"
                + " statements = EXCLUDED.statements, outcome = EXCLUDED.outcome, recorded_at = EXCLUDED.recorded_at")) {
            ps.setString(1, stream);
            ps.setString(2, Lsn.format(Math.max(sourceLsn, 0)));
            ps.setLong(3, txId);
            ps.setString(4, sourceTable.toString());
            ps.setString(5, targetTable == null ? null : targetTable.toString());
            ps.setString(6, command);
            ps.setString(7, change);
            ps.setString(8, statements);
            ps.setString(9, outcome);
            ps.executeUpdate();
        }
    }

    /** Records the position after snapshot rows, inside the target transaction that loaded them. */
    public void recordSnapshotPosition(Connection c, KafkaPosition position, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".sink_progress AS p"
                + " (stream, kafka_topic, kafka_partition, kafka_offset, applied_at, snapshot_rows, kafka_topic_id)"
                + " VALUES (?, ?, ?, ?, clock_timestamp(), ?, ?)"
                + " ON CONFLICT (stream) DO UPDATE SET kafka_topic = EXCLUDED.kafka_topic,"
                + " kafka_topic_id = coalesce(EXCLUDED.kafka_topic_id, p.kafka_topic_id),"
                + " kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,"
                + " applied_at = EXCLUDED.applied_at, snapshot_rows = p.snapshot_rows + EXCLUDED.snapshot_rows")) {
            ps.setString(1, stream);
            ps.setString(2, position.topic());
            ps.setInt(3, position.partition());
            ps.setLong(4, position.offset());
            ps.setLong(5, rows);
            ps.setString(6, topicId);
            ps.executeUpdate();
        }
    }

    /** The snapshot LSN recorded for a target table, or -1. */
    public long snapshotLsn(Connection c, TableName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (snapshot_lsn - '0/0'::pg_lsn)::bigint FROM " + schema
                + ".snapshot_progress WHERE stream = ? AND table_name = ?")) {
            ps.setString(1, stream);
            ps.setString(2, table.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Adds loaded snapshot rows to a table's count; a new snapshot LSN starts the count again. */
    public void recordSnapshotRows(Connection c, TableName table, long snapshotLsn, long rows, boolean completed)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".snapshot_progress AS p"
                + " (stream, table_name, snapshot_lsn, rows_applied, completed, started_at, updated_at)"
                + " VALUES (?, ?, ?::pg_lsn, ?, ?, clock_timestamp(), clock_timestamp())"
                + " ON CONFLICT (stream, table_name) DO UPDATE SET"
                + " rows_applied = CASE WHEN p.snapshot_lsn = EXCLUDED.snapshot_lsn THEN p.rows_applied ELSE 0 END + EXCLUDED.rows_applied,"
                + " started_at = CASE WHEN p.snapshot_lsn = EXCLUDED.snapshot_lsn THEN p.started_at ELSE EXCLUDED.started_at END,"
                + " snapshot_lsn = EXCLUDED.snapshot_lsn,"
                + " completed = EXCLUDED.completed OR (p.completed AND p.snapshot_lsn = EXCLUDED.snapshot_lsn),"
                + " updated_at = EXCLUDED.updated_at")) {
            ps.setString(1, stream);
            ps.setString(2, table.toString());
            ps.setString(3, Lsn.format(snapshotLsn));
            ps.setLong(4, rows);
            ps.setBoolean(5, completed);
            ps.executeUpdate();
        }
    }

    /**
     * Tables of this stream whose recorded snapshot is older than {@code snapshotLsn}: a new snapshot that
     * ended without sending them a row (they are empty on the source now) must still replace their contents.
     */
    public List<TableName> tablesSnapshottedBefore(Connection c, long snapshotLsn) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM " + schema
                + ".snapshot_progress WHERE stream = ? AND snapshot_lsn < ?::pg_lsn ORDER BY table_name")) {
            ps.setString(1, stream);
            ps.setString(2, Lsn.format(snapshotLsn));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(TableName.ofStored(rs.getString(1)));
                }
            }
        }
        return tables;
    }

    /**
     * An explicit reset (Connect's offsets REST API): the next record to apply is {@code nextOffset} of
     * the topic. The commit LSN stays, so source transactions already applied are still recognised and
     * skipped; the topic ID is forgotten and recorded again from the topic now read. Own transaction.
     */
    public void moveTo(Connection c, String topic, int partition, long nextOffset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".sink_progress AS p"
                + " (stream, kafka_topic, kafka_partition, kafka_offset, applied_at) VALUES (?, ?, ?, ?, now())"
                + " ON CONFLICT (stream) DO UPDATE SET kafka_topic = EXCLUDED.kafka_topic,"
                + " kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,"
                + " kafka_topic_id = NULL, applied_at = EXCLUDED.applied_at")) {
            ps.setString(1, stream);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            ps.setLong(4, nextOffset - 1);
            ps.executeUpdate();
        }
        c.commit();
    }
}
