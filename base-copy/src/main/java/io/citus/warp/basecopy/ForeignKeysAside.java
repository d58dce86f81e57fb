package io.citus.warp.basecopy;

import io.citus.warp.common.ProgressTables;
import io.citus.warp.common.TableName;
import io.citus.warp.common.ValueRedaction;
import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The target's foreign keys that touch the copied tables, set aside while the base copy runs: its ranges commit in
 * parallel, largest first, so a child's rows arrive before their parents' (and a self-reference or a cycle cannot be
 * ordered at all). Each key is recorded in the progress schema in the same transaction that drops it, so an interrupted
 * copy never loses one, and re-added — validated against every copied row — once every range is in, before the copy is
 * marked finished (the sink applies nothing before). The copied rows are one consistent snapshot of the source, which
 * satisfied the keys; a key the source has NOT VALID is re-added NOT VALID.
 */
final class ForeignKeysAside {
    static final String TABLE = "base_copy_foreign_keys";
    private final String schema;

    ForeignKeysAside(String schema) {
        this.schema = schema;
    }

    private String table() {
        return ProgressTables.qualified(schema, TABLE);
    }

    void create(Connection t) throws SQLException {
        Sql.exec(t, "CREATE TABLE IF NOT EXISTS " + table() + " (slot_name text NOT NULL, table_name text NOT NULL,"
                + " constraint_name text NOT NULL, definition text NOT NULL, dropped_at timestamptz NOT NULL DEFAULT now(),"
                + " PRIMARY KEY (slot_name, table_name, constraint_name))");
    }

    /**
     * Drops every foreign key on the target whose table or referenced table is one of {@code targets}, recording each
     * first (one transaction); returns how many. Keys recorded by an earlier attempt of the same slot stay recorded.
     */
    int drop(Connection t, String slot, List<TableName> targets) throws SQLException {
        String[] names = targets.stream().map(TableName::quoted).toArray(String[]::new);
        boolean auto = t.getAutoCommit();
        t.setAutoCommit(false);
        try {
            // Definitions with every name schema-qualified, whatever search_path the re-adding session has.
            Sql.one(t, "SELECT set_config('search_path', 'pg_catalog', true)");
            List<String[]> keys = Sql.rows(t, "SELECT format('%I.%I', n.nspname, c.relname), con.conname, pg_get_constraintdef(con.oid)"
                    + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE con.contype = 'f' AND con.conparentid = 0"
                    + " AND (con.conrelid = ANY (?::regclass[]) OR con.confrelid = ANY (?::regclass[])) ORDER BY 1, 2",
                    t.createArrayOf("text", names), t.createArrayOf("text", names));
            try (PreparedStatement record = t.prepareStatement("INSERT INTO " + table() + " (slot_name, table_name, constraint_name,"
                    + " definition) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (String[] k : keys) {
                    Sql.bind(record, slot, k[0], k[1], k[2]);
                    record.executeUpdate();
                    Sql.exec(t, "ALTER TABLE " + k[0] + " DROP CONSTRAINT " + Sql.ident(k[1]));
                }
            }
            t.commit();
            return keys.size();
        } catch (SQLException | RuntimeException e) {
            t.rollback();
            throw e;
        } finally {
            t.setAutoCommit(auto);
        }
    }

    /**
     * Re-adds every key recorded for {@code slot}, each in its own transaction with the removal of its record; returns
     * how many. A key the copied rows do not satisfy fails with its table and name, without a row value.
     */
    int restore(Connection t, String slot) throws SQLException {
        List<String[]> keys = Sql.rows(t, "SELECT table_name, constraint_name, definition FROM " + table() + " WHERE slot_name = ?"
                + " ORDER BY table_name, constraint_name", slot);
        boolean auto = t.getAutoCommit();
        t.setAutoCommit(false);
        try {
            for (String[] k : keys) {
                try {
                    Sql.exec(t, "ALTER TABLE " + k[0] + " ADD CONSTRAINT " + Sql.ident(k[1]) + " " + k[2]);
                    try (PreparedStatement forget = t.prepareStatement("DELETE FROM " + table()
                            + " WHERE slot_name = ? AND table_name = ? AND constraint_name = ?")) {
                        Sql.bind(forget, slot, k[0], k[1]);
                        forget.executeUpdate();
                    }
                    t.commit();
                } catch (SQLException e) {
                    t.rollback();
                    throw new IllegalStateException("base copy: re-adding foreign key " + k[1] + " on " + k[0] + " after the copy failed"
                            + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]") + ": "
                            + ValueRedaction.redact(e.getMessage()) + ". Its definition is kept in " + table() + "; fix the cause"
                            + " and run warp start again (the copy starts over), or add it yourself: ALTER TABLE " + k[0]
                            + " ADD CONSTRAINT " + Sql.ident(k[1]) + " " + k[2]);
                }
            }
            return keys.size();
        } finally {
            t.setAutoCommit(auto);
        }
    }
}
