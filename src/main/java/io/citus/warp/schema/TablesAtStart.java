package io.citus.warp.schema;

import io.citus.warp.common.ProgressTables;
import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The source's tables when {@code warp start} began a migration, recorded on the target in the progress schema
 * ({@value ProgressTables#SOURCE_TABLES}): which of them are migrated, and so which tables of the source were created
 * after the start. Those are in no publication and reach no target; {@code warp status}, {@code check} and
 * {@code verify} name them.
 */
public final class TablesAtStart {
    private TablesAtStart() {
    }

    /** What was recorded: the migrated tables, and every table the source had. */
    public record Recorded(List<TableName> migrated, Set<TableName> all) {
    }

    /** Records the source's tables for {@code stream}, once: a later start of the same migration changes nothing. */
    public static void record(Connection target, String progressSchema, String stream, List<TableName> all, List<TableName> migrated)
            throws SQLException {
        for (String ddl : ProgressTables.ddl(progressSchema)) {
            Sql.exec(target, ddl);
        }
        String table = ProgressTables.qualified(progressSchema, ProgressTables.SOURCE_TABLES);
        if (Sql.one(target, "SELECT 1 FROM " + table + " WHERE stream = ? LIMIT 1", stream) != null) {
            return;
        }
        Set<TableName> every = new LinkedHashSet<>(all);
        every.addAll(migrated);
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + table
                + " (stream, table_name, migrated, recorded_at) VALUES (?, ?, ?, clock_timestamp()) ON CONFLICT DO NOTHING")) {
            for (TableName t : every) {
                ps.setString(1, stream);
                ps.setString(2, t.quoted()); // quoted: a schema or table name may hold a dot
                ps.setBoolean(3, migrated.contains(t));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What {@link #record} recorded for {@code stream}, if anything. */
    public static Optional<Recorded> read(Connection target, String progressSchema, String stream) throws SQLException {
        String table = ProgressTables.qualified(progressSchema, ProgressTables.SOURCE_TABLES);
        if (Sql.one(target, "SELECT to_regclass(?)", table) == null) {
            return Optional.empty();
        }
        List<TableName> migrated = new ArrayList<>();
        Set<TableName> all = new LinkedHashSet<>();
        for (String[] r : Sql.rows(target, "SELECT table_name, migrated FROM " + table + " WHERE stream = ? ORDER BY table_name", stream)) {
            TableName t = stored(r[0]);
            all.add(t);
            if ("t".equals(r[1])) {
                migrated.add(t);
            }
        }
        return all.isEmpty() ? Optional.empty() : Optional.of(new Recorded(migrated, all));
    }

    /** A recorded name: quoted as {@link #record} writes it, or schema.table as warp before it wrote names. */
    static TableName stored(String name) {
        try {
            return TableName.parse(name);
        } catch (IllegalArgumentException e) {
            return TableName.ofStored(name);
        }
    }

    /** Tables of the source now that it did not have at the start: created since, and not migrated. */
    public static List<TableName> createdSince(Connection source, Recorded recorded, String progressSchema) throws SQLException {
        List<TableName> created = new ArrayList<>();
        for (TableName t : new CatalogReader(source).userTables(progressSchema)) {
            if (!recorded.all().contains(t)) {
                created.add(t);
            }
        }
        return created;
    }

    /** The line status, check and verify print for them. */
    public static String describe(List<TableName> created) {
        return "not migrated: " + String.join(", ", created.stream().map(TableName::toString).toList())
                + ", created after the start (docs/schema-changes.md says how to migrate a table created during a migration)";
    }
}
