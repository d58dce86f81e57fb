package io.citus.warp.sink.progress;

import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.event.TableId;
import io.citus.warp.sink.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The sink's position, kept on the target in the same transaction as the changes it describes
 * (pgcopydb's model): after any crash, the target itself says exactly which source transaction was
 * applied last and which Kafka record follows it. Tools ({@code warp status}) read the same tables.
 */
public final class ProgressStore {
    private final String schema;
    private final String stream;

    public ProgressStore(String schema, String stream) {
        this.schema = Identifiers.quote(schema);
        this.stream = stream;
    }

    /** Creates the progress tables if needed (own transaction). */
    public void ensureTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".sink_progress ("
                    + " stream text PRIMARY KEY,"
                    + " kafka_topic text NOT NULL,"
                    + " kafka_partition int NOT NULL,"
                    + " kafka_offset bigint NOT NULL,"
                    + " commit_lsn pg_lsn,"
                    + " source_txid bigint,"
                    + " source_commit_time timestamptz,"
                    + " applied_at timestamptz NOT NULL,"
                    + " transactions bigint NOT NULL DEFAULT 0,"
                    + " changes bigint NOT NULL DEFAULT 0,"
                    + " snapshot_rows bigint NOT NULL DEFAULT 0)");
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".snapshot_progress ("
                    + " stream text NOT NULL,"
                    + " table_name text NOT NULL,"
                    + " snapshot_lsn pg_lsn NOT NULL,"
                    + " rows_applied bigint NOT NULL,"
                    + " completed boolean NOT NULL DEFAULT false,"
                    + " started_at timestamptz NOT NULL,"
                    + " updated_at timestamptz NOT NULL,"
                    + " PRIMARY KEY (stream, table_name))");
        }
        c.commit();
    }

    /** What the target says was applied last, if anything. */
    public Optional<Progress> load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT kafka_topic, kafka_partition, kafka_offset,"
                + " coalesce((commit_lsn - '0/0'::pg_lsn)::bigint, -1), coalesce(source_txid, -1),"
                + " coalesce((extract(epoch FROM source_commit_time) * 1000)::bigint, -1), transactions, changes"
                + " FROM " + schema + ".sink_progress WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Progress(new KafkaPosition(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
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
                + "  transactions, changes)"
                + " VALUES (?, ?, ?, ?, ?::pg_lsn, ?, to_timestamp(?::double precision / 1000), clock_timestamp(), ?, ?)"
                + " ON CONFLICT (stream) DO UPDATE SET kafka_topic = EXCLUDED.kafka_topic,"
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
            ps.executeUpdate();
        }
    }

    /** Records the position after snapshot rows, inside the target transaction that loaded them. */
    public void recordSnapshotPosition(Connection c, KafkaPosition position, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".sink_progress AS p"
                + " (stream, kafka_topic, kafka_partition, kafka_offset, applied_at, snapshot_rows)"
                + " VALUES (?, ?, ?, ?, clock_timestamp(), ?)"
                + " ON CONFLICT (stream) DO UPDATE SET kafka_topic = EXCLUDED.kafka_topic,"
                + " kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,"
                + " applied_at = EXCLUDED.applied_at, snapshot_rows = p.snapshot_rows + EXCLUDED.snapshot_rows")) {
            ps.setString(1, stream);
            ps.setString(2, position.topic());
            ps.setInt(3, position.partition());
            ps.setLong(4, position.offset());
            ps.setLong(5, rows);
            ps.executeUpdate();
        }
    }

    /** The snapshot LSN recorded for a target table, or -1. */
    public long snapshotLsn(Connection c, TableId table) throws SQLException {
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
    public void recordSnapshotRows(Connection c, TableId table, long snapshotLsn, long rows, boolean completed)
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
}
