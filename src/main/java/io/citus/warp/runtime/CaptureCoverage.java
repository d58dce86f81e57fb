package io.citus.warp.runtime;

import io.citus.warp.common.SchemaChangeCapture;
import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;
import io.citus.warp.schema.CatalogReader;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the changes of every migrated table reach the stream: the slot's publication must publish the table (under
 * its own name: a partitioned table through its root) and Debezium's filter must capture it, or its changes are dropped
 * without a trace while the copy shows its rows. And the other way round: a table the filter and the publication let
 * through that is not migrated sends changes the sink has no copied rows for.
 *
 * @param unfiltered   migrated tables Debezium's filter drops
 * @param unpublished  migrated tables the publication does not publish (empty while the publication does not exist)
 * @param alsoCaptured tables published and captured that are not migrated
 */
public record CaptureCoverage(List<TableName> unfiltered, List<TableName> unpublished, List<TableName> alsoCaptured,
                              boolean publicationExists) {

    /** Every migrated table's changes reach the stream. */
    public boolean complete() {
        return unfiltered.isEmpty() && unpublished.isEmpty();
    }

    /** What is wrong, each with what to do; empty when the coverage is exact. */
    public List<String> problems(String publication) {
        List<String> out = new ArrayList<>();
        if (!unfiltered.isEmpty()) {
            out.add("changes of " + names(unfiltered) + " are dropped by the source connector's " + TableIncludeList.INCLUDE
                    + " (Debezium's filter does not match them): deploy it as warp start renders it, which matches each"
                    + " migrated table exactly");
        }
        if (!unpublished.isEmpty()) {
            out.add("changes of " + names(unpublished) + " are not published by publication " + publication
                    + ": ALTER PUBLICATION " + Sql.ident(publication) + " ADD TABLE ... (a partitioned table with"
                    + " publish_via_partition_root = true), or run warp start again");
        }
        if (!alsoCaptured.isEmpty()) {
            out.add("changes of " + names(alsoCaptured) + " are captured but these tables are not migrated: the sink applies"
                    + " them to target tables whose rows were never copied; remove them from the publication and the filter");
        }
        return out;
    }

    /** Reads the publication on the source and applies the filter of {@code sourceConfig} to the migrated tables. */
    public static CaptureCoverage check(Connection source, String publication, Map<String, String> sourceConfig,
                                        List<TableName> migrated) throws SQLException {
        TableIncludeList filter = TableIncludeList.of(sourceConfig);
        List<TableName> unfiltered = migrated.stream().filter(t -> !filter.captures(t)).toList();
        boolean exists = Sql.one(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", publication) != null;
        List<TableName> unpublished = new ArrayList<>();
        List<TableName> also = new ArrayList<>();
        if (exists) {
            Set<TableName> published = new HashSet<>();
            for (String[] r : Sql.rows(source, "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?", publication)) {
                published.add(new TableName(r[0], r[1]));
            }
            migrated.stream().filter(t -> !published.contains(t)).forEach(unpublished::add);
            Set<TableName> planned = new HashSet<>(migrated);
            planned.add(SchemaChangeCapture.CAPTURE_TABLE); // published and captured on purpose: it carries the schema changes
            published.stream().filter(t -> !planned.contains(t) && filter.captures(t)).sorted().forEach(also::add);
        }
        return new CaptureCoverage(unfiltered, unpublished, also, exists);
    }

    /**
     * Before deploying: the tables of the source that the rendered filter would capture, against the migrated ones
     * (the publication does not exist yet, or is re-targeted by the copy). Errors, each naming the tables.
     */
    public static List<String> filterErrors(Connection source, Map<String, String> sourceConfig, List<TableName> migrated,
                                            String progressSchema) throws SQLException {
        TableIncludeList filter = TableIncludeList.of(sourceConfig);
        List<TableName> unfiltered = migrated.stream().filter(t -> !filter.captures(t)).toList();
        Set<TableName> planned = new HashSet<>(migrated);
        List<TableName> also = new ArrayList<>();
        for (TableName t : new CatalogReader(source).userTables(progressSchema)) {
            if (!planned.contains(t) && filter.captures(t)) {
                also.add(t);
            }
        }
        return new CaptureCoverage(unfiltered, List.of(), also, false).problems("(none yet)");
    }

    private static String names(List<TableName> tables) {
        List<String> out = new ArrayList<>();
        tables.forEach(t -> out.add(t.quoted()));
        return String.join(", ", out);
    }
}
