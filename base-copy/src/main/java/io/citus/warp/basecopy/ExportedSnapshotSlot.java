package io.citus.warp.basecopy;

import io.citus.warp.db.MigrationSession;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The publication and the logical replication slot of a migration, the slot created over a replication
 * connection with an exported snapshot: the snapshot shows exactly the transactions committed before the slot's
 * consistent point, and the slot streams exactly those committed after it. The snapshot can be imported only while
 * the creating connection stays open and idle, so this object holds it until {@link #close()}.
 */
final class ExportedSnapshotSlot implements AutoCloseable {
    private final Connection replication;
    private final String slot;
    private final String snapshotName;
    private final String consistentLsn;

    private ExportedSnapshotSlot(Connection replication, String slot, String snapshotName, String consistentLsn) {
        this.replication = replication;
        this.slot = slot;
        this.snapshotName = snapshotName;
        this.consistentLsn = consistentLsn;
    }

    /**
     * Creates or re-targets the publication ({@code FOR TABLE} the migrated tables, {@code ONLY} the regular ones,
     * {@code publish_via_partition_root},
     * as Debezium's {@code publication.autocreate.mode=filtered} with {@code publish.via.partition.root=true} would),
     * which must exist before the slot so that the slot's first change already sees it. The schema-change capture's table
     * is published with them when it is installed.
     */
    static void ensurePublication(Connection source, String publication, List<TableName> tables) throws SQLException {
        // ONLY a regular table: without it a parent of table inheritance publishes its children too, migrated or not.
        List<String> entries = new java.util.ArrayList<>();
        for (TableName t : tables) {
            entries.add(("r".equals(Sql.one(source, "SELECT relkind FROM pg_class WHERE oid = ?::regclass", t.quoted())) ? "ONLY " : "")
                    + t.quoted());
        }
        if (Sql.one(source, "SELECT to_regclass(?)", io.citus.warp.common.SchemaChangeCapture.CAPTURE_TABLE.quoted()) != null) {
            // Its rows carry the schema changes of the migrated tables, inside the transactions that made them.
            entries.add("ONLY " + io.citus.warp.common.SchemaChangeCapture.CAPTURE_TABLE.quoted());
        }
        String list = String.join(", ", entries);
        boolean viaRoot = Integer.parseInt(Sql.one(source, "SHOW server_version_num")) >= 130000;
        if (Sql.one(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", publication) == null) {
            Sql.exec(source, "CREATE PUBLICATION " + Sql.ident(publication) + " FOR TABLE " + list
                    + (viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
        } else {
            Sql.exec(source, "ALTER PUBLICATION " + Sql.ident(publication) + " SET TABLE " + list);
            if (viaRoot) {
                Sql.exec(source, "ALTER PUBLICATION " + Sql.ident(publication) + " SET (publish_via_partition_root = true)");
            }
        }
    }

    /**
     * @param serverVersionNum the source's {@code server_version_num}: the session's timeouts are switched off at start-up
     *                         (it must stay open and idle while the copy runs; see MigrationSession)
     */
    static ExportedSnapshotSlot create(PgEndpoint source, String slot, int serverVersionNum) throws SQLException {
        return create(source, slot, serverVersionNum, false);
    }

    /**
     * A TEMPORARY slot, for its exported snapshot only: nothing streams from it, and PostgreSQL drops it when the session
     * ends (the base-copy connector's cut, see BaseCopyCoordinator). Streaming comes from another slot created earlier.
     */
    static ExportedSnapshotSlot createTemporary(PgEndpoint source, String slot, int serverVersionNum) throws SQLException {
        return create(source, slot, serverVersionNum, true);
    }

    private static ExportedSnapshotSlot create(PgEndpoint source, String slot, int serverVersionNum, boolean temporary)
            throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, source.user());
        PGProperty.PASSWORD.set(props, source.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.APPLICATION_NAME.set(props, "warp-basecopy-slot");
        PGProperty.CONNECT_TIMEOUT.set(props, 10);
        PGProperty.OPTIONS.set(props, MigrationSession.startupOptions(serverVersionNum));
        Connection replication = DriverManager.getConnection(source.jdbcUrl(), props);
        try {
            // PgJDBC sends CREATE_REPLICATION_SLOT ... LOGICAL pgoutput, whose default is to export a snapshot.
            var builder = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot).withOutputPlugin("pgoutput");
            ReplicationSlotInfo info = (temporary ? builder.withTemporaryOption() : builder).make();
            if (info.getSnapshotName() == null) {
                throw new IllegalStateException("the source did not export a snapshot when creating slot " + slot);
            }
            return new ExportedSnapshotSlot(replication, slot, info.getSnapshotName(), info.getConsistentPoint().asString());
        } catch (SQLException | RuntimeException e) {
            replication.close();
            throw e;
        }
    }

    /** How long a slot may stay active after its consumer stopped (the walsender exits shortly after). */
    private static final long RELEASE_WAIT_MS = 30_000;

    /** Drops the slot if it exists and no one streams from it; true if it was dropped. */
    static boolean dropIfInactive(Connection source, String slot) throws SQLException {
        long deadline = System.currentTimeMillis() + RELEASE_WAIT_MS;
        String active;
        while ("t".equals(active = Sql.one(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot))
                && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (active == null) {
            return false;
        }
        if ("t".equals(active)) {
            throw new IllegalStateException("replication slot " + slot + " is in use by another session (a running connector?);"
                    + " stop it before the base copy starts over");
        }
        Sql.one(source, "SELECT pg_drop_replication_slot(?)", slot);
        return true;
    }

    static boolean exists(Connection source, String slot) throws SQLException {
        return Sql.one(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot) != null;
    }

    String snapshotName() {
        return snapshotName;
    }

    String consistentLsn() {
        return consistentLsn;
    }

    String slot() {
        return slot;
    }

    /** Ends the exporting session; the slot stays. */
    @Override
    public void close() throws SQLException {
        replication.close();
    }
}
