package io.citus.warp.schema;

import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Table inheritance among the migrated tables ({@code CREATE TABLE child (...) INHERITS (parent)}; partitions are not
 * inheritance here). A parent's own rows and each child's rows are migrated once each, every table standing alone on
 * the target: reads of a parent take {@code ONLY} its rows.
 */
public final class InheritanceTree {
    private InheritanceTree() {
    }

    /** The migrated tables that have inheritance children (whatever is migrated of those). */
    public static List<TableName> parents(PgEndpoint source, List<TableName> tables) throws SQLException {
        List<TableName> out = new ArrayList<>();
        try (Connection c = source.connect()) {
            CatalogReader catalog = new CatalogReader(c);
            for (TableName t : tables) {
                if (catalog.exists(t) && !catalog.inheritanceChildren(t).isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
