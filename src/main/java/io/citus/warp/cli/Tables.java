package io.citus.warp.cli;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.TablesAtStart;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The tables of a migration: --tables; else those warp start recorded as migrated (tables created on the source since
 * are not migrated); else, before a start, every user table of the source.
 */
final class Tables {
    private Tables() {
    }

    static List<TableName> resolve(List<TableName> explicit, PgEndpoint source, PgEndpoint target, MigrationNames names,
                                   String progressSchema) throws SQLException {
        if (!explicit.isEmpty()) {
            return explicit;
        }
        java.util.Optional<TablesAtStart.Recorded> recorded = recorded(target, names, progressSchema);
        if (recorded.isPresent()) {
            return recorded.get().migrated();
        }
        try (Connection c = source.connect()) {
            return new CatalogReader(c).userTables(progressSchema);
        }
    }

    /** The line naming the source's tables created after warp start (not migrated), if there are any. */
    static java.util.Optional<String> createdAfterStart(MigrationPlan plan) {
        java.util.Optional<TablesAtStart.Recorded> recorded = recorded(plan.target(), plan.names(), plan.progressSchema());
        if (recorded.isEmpty()) {
            return java.util.Optional.empty();
        }
        try (Connection c = plan.source().connect()) {
            List<TableName> created = TablesAtStart.createdSince(c, recorded.get(), plan.progressSchema());
            return created.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(TablesAtStart.describe(created));
        } catch (SQLException e) {
            return java.util.Optional.empty();
        }
    }

    /** What warp start recorded on the target for this migration; empty when nothing was, or the target is unreachable. */
    static java.util.Optional<TablesAtStart.Recorded> recorded(PgEndpoint target, MigrationNames names, String progressSchema) {
        try (Connection t = target.connect()) {
            return TablesAtStart.read(t, progressSchema, names.stream());
        } catch (SQLException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
