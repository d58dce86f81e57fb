package io.citus.warp.status;

import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the replication slot proves about a source position L: decodes, on a temporary copy of the migration's
 * slot, every captured transaction that committed after the slot's confirmed position and before L.
 * <ul>
 * <li>none: Debezium confirmed every captured transaction that committed before L, and it confirms a position
 *   only after Kafka acknowledged the records up to it; so every record of those transactions is already in the
 *   topic, below any end offset read after this check.</li>
 * <li>some: the last of them (in commit order) is transaction {@code lastXid}; the sink applies in commit order,
 *   so once its progress row names that transaction, everything that committed before L is applied.</li>
 * </ul>
 * Copying a slot needs the REPLICATION attribute (or superuser) and one free slot (max_replication_slots);
 * the copy is temporary and dropped at once.
 */
public final class AppliedProof {
    /** @param lastXid the last captured transaction committed before L that Debezium has not confirmed; null if none */
    public record Pending(String position, String confirmed, String lastXid, int messages) {
        public boolean noneUnconfirmed() {
            return lastXid == null;
        }
    }

    private AppliedProof() {
    }

    public static Pending check(Connection source, String slot, String publication, String position) throws SQLException {
        boolean auto = source.getAutoCommit();
        source.setAutoCommit(true);
        String copy = Sql.one(source, "SELECT 'warp_proof_' || pg_backend_pid()");
        try {
            Sql.one(source, "SELECT pg_copy_logical_replication_slot(?, ?, true)", slot, copy);
            String confirmed = Sql.one(source, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?", copy);
            // pgoutput skips transactions with no published change (PostgreSQL 15+), so every row belongs to a captured one.
            List<String[]> rows = Sql.rows(source, "SELECT xid::text FROM pg_logical_slot_peek_binary_changes(?, ?::pg_lsn, NULL,"
                    + " 'proto_version', '1', 'publication_names', ?)", copy, position, publication);
            return new Pending(position, confirmed, rows.isEmpty() ? null : rows.get(rows.size() - 1)[0], rows.size());
        } finally {
            try {
                if (Sql.one(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", copy) != null) {
                    Sql.one(source, "SELECT pg_drop_replication_slot(?)", copy);
                }
            } finally {
                source.setAutoCommit(auto);
            }
        }
    }
}
