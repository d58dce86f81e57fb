package io.citus.warp.basecopy;

import io.citus.warp.common.SchemaChangeCapture;
import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tables a Debezium {@code table.include.list} captures, read from the source catalog with Debezium's rules: each
 * comma-separated entry (a comma escaped as {@code \,} stays in its entry) is a regular expression matched
 * case-insensitively against the whole {@code schema.table}. Partitions are left out (their rows are copied and streamed
 * through their partitioned table, {@code publish.via.partition.root}), as is Warp's schema-change capture table.
 */
public final class SourceTables {
    private SourceTables() {
    }

    /** The include list's entries, as Debezium splits them. */
    public static List<Pattern> patterns(String includeList) {
        List<Pattern> out = new ArrayList<>();
        StringBuilder entry = new StringBuilder();
        for (int i = 0; i < includeList.length(); i++) {
            char c = includeList.charAt(i);
            if (c == ',' && (i == 0 || includeList.charAt(i - 1) != '\\')) {
                add(out, entry);
                entry.setLength(0);
            } else {
                entry.append(c);
            }
        }
        add(out, entry);
        return out;
    }

    private static void add(List<Pattern> out, StringBuilder entry) {
        String regex = entry.toString().trim();
        if (!regex.isEmpty()) {
            out.add(Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
        }
    }

    /** Whether {@code table} is captured: some entry matches its whole {@code schema.table}. */
    public static boolean matches(List<Pattern> patterns, TableName table) {
        String name = table.schema() + "." + table.table();
        return patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** The source's regular and partitioned tables that the list captures, in name order. */
    public static List<TableName> resolve(Connection source, String includeList) throws SQLException {
        List<Pattern> patterns = patterns(includeList);
        List<TableName> out = new ArrayList<>();
        for (String[] r : Sql.rows(source, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence <> 't'"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
                + " ORDER BY 1, 2")) {
            TableName t = new TableName(r[0], r[1]);
            if (!t.equals(SchemaChangeCapture.CAPTURE_TABLE) && matches(patterns, t)) {
                out.add(t);
            }
        }
        return out;
    }
}
