package io.citus.warp.schema;

import io.citus.warp.common.SchemaChangeCapture;
import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The source side of schema changes during a migration: installs the capture ({@link SchemaChangeCapture}) and has it
 * follow a migration's tables under its slot ({@code warp start}, before the slot exists, so that every change after the
 * slot's consistent point is captured), and removes it again ({@code warp finish}). Creating event triggers needs a
 * superuser on most PostgreSQL versions and services; without one nothing is installed and every schema change of a
 * migrated table stops the sink at its first row that differs from the target (docs/schema-changes.md).
 */
public final class SchemaChangeTracking {
    private SchemaChangeTracking() {
    }

    /** What {@link #install} did. */
    public record Outcome(boolean capturing, String detail) {
    }

    /**
     * Installs (or updates) the capture and follows {@code tables} under {@code slot}, in one transaction. Lacking the
     * privilege is not an error: the outcome says so (and what follows from it).
     */
    public static Outcome install(Connection source, String slot, List<TableName> tables) throws SQLException {
        boolean autoCommit = source.getAutoCommit();
        source.setAutoCommit(false);
        try {
            for (String sql : SchemaChangeCapture.installStatements()) {
                Sql.exec(source, sql);
            }
            Array oids = source.createArrayOf("text", tables.stream().map(TableName::quoted).toArray());
            try (PreparedStatement ps = source.prepareStatement(SchemaChangeCapture.trackSql())) {
                ps.setString(1, slot);
                ps.setArray(2, oids);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = source.prepareStatement(SchemaChangeCapture.untrackOthersSql())) {
                ps.setString(1, slot);
                ps.setArray(2, oids);
                ps.executeUpdate();
            }
            source.commit();
            return new Outcome(true, "schema changes of the " + tables.size() + " table(s) are captured (event triggers "
                    + String.join(", ", SchemaChangeCapture.EVENT_TRIGGERS) + ", table " + SchemaChangeCapture.CAPTURE_TABLE + ")");
        } catch (SQLException e) {
            source.rollback();
            if ("42501".equals(e.getSQLState())) {
                return new Outcome(false, notCapturing("the source user may not create event triggers (" + e.getMessage() + ")"));
            }
            throw e;
        } finally {
            source.setAutoCommit(autoCommit);
        }
    }

    /** Why schema changes are not captured, and what that means. */
    public static String notCapturing(String why) {
        return "schema changes are NOT captured: " + why + ". A schema change of a migrated table then stops the sink at its "
                + "first row that differs from the target (or, when no row shows it, is missed: a new default, a rewrite); "
                + "run warp start as a superuser to capture them (docs/schema-changes.md)";
    }

    /**
     * Whether the capture could be installed here (for {@code warp check}): tries to create an event trigger in a
     * transaction that is rolled back. Null when it can; else why not.
     */
    public static String cannotInstall(Connection source) throws SQLException {
        if (Integer.parseInt(Sql.one(source, "SHOW server_version_num")) < 120000) {
            return "the source is older than PostgreSQL 12 (the capture reads pg_partition_tree)";
        }
        boolean autoCommit = source.getAutoCommit();
        source.setAutoCommit(false);
        try {
            Sql.exec(source, "CREATE FUNCTION pg_temp.warp_probe() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'");
            Sql.exec(source, "CREATE EVENT TRIGGER warp_probe ON ddl_command_end EXECUTE FUNCTION pg_temp.warp_probe()");
            return null;
        } catch (SQLException e) {
            return "the source user may not create event triggers (" + e.getMessage() + ")";
        } finally {
            source.rollback();
            source.setAutoCommit(autoCommit);
        }
    }

    /** Whether the capture is installed (its table exists). */
    public static boolean installed(Connection source) throws SQLException {
        return Sql.one(source, "SELECT to_regclass(?)", SchemaChangeCapture.CAPTURE_TABLE.quoted()) != null;
    }

    /**
     * Stops capturing for {@code slot}; once no migration uses the capture, removes it (event triggers, functions,
     * table). Returns what it did, for {@code warp finish}'s report.
     */
    public static List<String> remove(Connection source, String slot) throws SQLException {
        if (!installed(source)) {
            return List.of();
        }
        try {
            return removeInstalled(source, slot);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState()) && !"42809".equals(e.getSQLState())) {
                throw e;
            }
            return List.of("could not remove the schema-change capture (" + e.getMessage() + "): a superuser must run on the source "
                    + "DELETE FROM " + SchemaChangeCapture.CAPTURE_TABLE + " WHERE slot = '" + slot + "', then, once the table is "
                    + "empty: " + String.join("; ", SchemaChangeCapture.uninstallStatements()));
        }
    }

    private static List<String> removeInstalled(Connection source, String slot) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(SchemaChangeCapture.forgetSlotSql())) {
            ps.setString(1, slot);
            ps.executeUpdate();
        }
        if (Sql.one(source, "SELECT 1 FROM " + SchemaChangeCapture.CAPTURE_TABLE.quoted() + " LIMIT 1") != null) {
            return List.of("stopped capturing schema changes for slot " + slot + " (other migrations still use the capture)");
        }
        for (String sql : SchemaChangeCapture.uninstallStatements()) {
            Sql.exec(source, sql);
        }
        if (Sql.one(source, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                + " UNION ALL SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?",
                SchemaChangeCapture.SCHEMA, SchemaChangeCapture.SCHEMA) == null) {
            Sql.exec(source, "DROP SCHEMA IF EXISTS " + Sql.ident(SchemaChangeCapture.SCHEMA));
        }
        return List.of("removed the schema-change capture (event triggers, " + SchemaChangeCapture.CAPTURE_TABLE + ")");
    }
}
