package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.catalog.TargetTable;

import java.util.List;
import java.util.stream.Collectors;

import static io.citus.warp.common.Identifiers.qualified;
import static io.citus.warp.common.Identifiers.quote;

/**
 * The SQL the sink runs, built from quoted identifiers only; every value is a bind parameter (or
 * COPY data). Statements never assign a Citus distribution column or a primary-key column.
 */
final class SqlText {
    private SqlText() {
    }

    /** INSERT ... ON CONFLICT (primary key) DO UPDATE: an insert that a replay can repeat safely. */
    static String upsert(TargetTable table, List<String> columns) {
        if (table.primaryKey().isEmpty()) {
            throw new ApplyException(ErrorKind.PERMANENT, "target table " + table.id() + " has no primary key; the sink "
                    + "needs one matching the source's key (plus the Citus distribution column) to apply changes "
                    + "idempotently. Add it, then restart the sink task.", null);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualified(table.id())).append(" (")
                .append(list(columns)).append(')');
        if (table.hasIdentityAlways() && columns.stream().anyMatch(c -> table.column(c).identityAlways())) {
            sql.append(" OVERRIDING SYSTEM VALUE");
        }
        sql.append(" VALUES (").append(params(columns.size())).append(") ON CONFLICT (").append(list(table.primaryKey())).append(')');
        List<String> updatable = columns.stream().filter(table::updatable).toList();
        if (updatable.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            sql.append(" DO UPDATE SET ").append(updatable.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c))
                    .collect(Collectors.joining(", ")));
        }
        return sql.toString();
    }

    static String insert(TargetTable table, List<String> columns) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualified(table.id())).append(" (").append(list(columns)).append(')');
        if (columns.stream().anyMatch(c -> table.column(c).identityAlways())) {
            sql.append(" OVERRIDING SYSTEM VALUE");
        }
        return sql.append(" VALUES (").append(params(columns.size())).append(')').toString();
    }

    /**
     * UPDATE (non-empty {@code set}) or DELETE of one row, found by ctid, whose every {@code match} column
     * has the given value; values are compared in the column type's text form ({@code IS NOT DISTINCT FROM}
     * so NULLs match).
     */
    static String changeOneByImage(TargetTable table, List<String> set, List<String> match) {
        String t = qualified(table.id());
        String where = match.stream().map(c -> quote(c) + "::text IS NOT DISTINCT FROM CAST(? AS " + table.column(c).type() + ")::text")
                .collect(Collectors.joining(" AND "));
        String one = "ctid = (SELECT ctid FROM " + t + " WHERE " + where + " LIMIT 1)";
        if (set.isEmpty()) {
            return "DELETE FROM " + t + " WHERE " + one;
        }
        return "UPDATE " + t + " SET " + set.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(", ")) + " WHERE " + one;
    }

    static String update(TargetTable table, List<String> setColumns, List<String> whereColumns) {
        return "UPDATE " + qualified(table.id()) + " SET "
                + setColumns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(", "))
                + " WHERE " + equalities(whereColumns);
    }

    /** The text form of {@code columns} of the row matched by {@code whereColumns} (values round-trip exactly as text). */
    static String selectText(TargetTable table, List<String> columns, List<String> whereColumns) {
        return "SELECT " + columns.stream().map(c -> quote(c) + "::text").collect(Collectors.joining(", "))
                + " FROM " + qualified(table.id()) + " WHERE " + equalities(whereColumns);
    }

    static String delete(TargetTable table, List<String> whereColumns) {
        return "DELETE FROM " + qualified(table.id()) + " WHERE " + equalities(whereColumns);
    }

    static String copy(TargetTable table, List<String> columns) {
        return "COPY " + qualified(table.id()) + " (" + list(columns) + ") FROM STDIN";
    }

    static String truncate(List<TargetTable> tables) {
        return "TRUNCATE " + tables.stream().map(t -> qualified(t.id())).collect(Collectors.joining(", "));
    }

    private static String equalities(List<String> columns) {
        return columns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(" AND "));
    }

    private static String list(List<String> columns) {
        return columns.stream().map(c -> quote(c)).collect(Collectors.joining(", "));
    }

    private static String params(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
