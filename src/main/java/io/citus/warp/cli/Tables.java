package io.citus.warp.cli;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.CatalogReader;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The tables of a migration: --tables, or every user table of the source. */
final class Tables {
    private Tables() {
    }

    static List<TableName> resolve(MigrationSettings settings, PgEndpoint source) throws SQLException {
        List<TableName> explicit = settings.explicitTables();
        if (!explicit.isEmpty()) {
            return explicit;
        }
        try (Connection c = source.connect()) {
            return new CatalogReader(c).userTables(settings.progressSchema());
        }
    }
}
