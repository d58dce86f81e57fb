package io.citus.warp.common;

import java.util.List;

/**
 * The sink's progress tables on the target: the sink creates and writes them, in the same transaction as the changes
 * they describe; {@code warp status} reads them and {@code warp finish} deletes a stream's rows. One row per stream in
 * {@value #SINK_PROGRESS}, one per stream and target table in {@value #SNAPSHOT_PROGRESS} (table_name is the target
 * table, {@code schema.table} as {@link TableName#toString()} writes it). Warp's base copy keeps its own record in the
 * same schema ({@link BaseCopyTables}).
 */
public final class ProgressTables {
    private ProgressTables() {
    }

    public static final String SINK_PROGRESS = "sink_progress";
    public static final String SNAPSHOT_PROGRESS = "snapshot_progress";
    /** The schema changes captured on the source that the sink applied, or stopped at (one row per change). */
    public static final String SCHEMA_CHANGES = "schema_changes";
    /** The source's tables when warp start began the migration, migrated or not: which ones were created after it. */
    public static final String SOURCE_TABLES = "source_tables";
    public static final List<String> ALL = List.of(SINK_PROGRESS, SNAPSHOT_PROGRESS, SCHEMA_CHANGES, SOURCE_TABLES);
    /** {@value #SCHEMA_CHANGES}.outcome of a change the sink made on the target. */
    public static final String APPLIED = "applied";
    /** {@value #SCHEMA_CHANGES}.outcome of a change the sink stopped at (the task failed, naming the fix). */
    public static final String STOPPED = "stopped";
    /** {@code "schema"."table"} of one of the progress tables. */
    public static String qualified(String schema, String table) {
        return Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    /** Idempotent DDL creating the schema and both tables (the sink runs it at start). */
    public static List<String> ddl(String schema) {
        String s = Identifiers.quote(schema);
        return List.of("CREATE SCHEMA IF NOT EXISTS " + s,
                "CREATE TABLE IF NOT EXISTS " + s + "." + SINK_PROGRESS + " ("
                        + " stream text PRIMARY KEY,"
                        + " kafka_topic text NOT NULL,"
                        + " kafka_partition int NOT NULL,"
                        + " kafka_offset bigint NOT NULL,"
                        + " commit_lsn pg_lsn,"
                        + " source_txid bigint,"
                        + " source_commit_time timestamptz,"
                        + " applied_at timestamptz NOT NULL,"
                        + " transactions bigint NOT NULL DEFAULT 0,"
                        + " changes bigint NOT NULL DEFAULT 0,"
                        + " snapshot_rows bigint NOT NULL DEFAULT 0)",
                "CREATE TABLE IF NOT EXISTS " + s + "." + SNAPSHOT_PROGRESS + " ("
                        + " stream text NOT NULL,"
                        + " table_name text NOT NULL,"
                        + " snapshot_lsn pg_lsn NOT NULL,"
                        + " rows_applied bigint NOT NULL,"
                        + " completed boolean NOT NULL DEFAULT false,"
                        + " started_at timestamptz NOT NULL,"
                        + " updated_at timestamptz NOT NULL,"
                        + " PRIMARY KEY (stream, table_name))",
                "ALTER TABLE " + s + "." + SINK_PROGRESS + " ADD COLUMN IF NOT EXISTS kafka_topic_id text",
                "CREATE TABLE IF NOT EXISTS " + s + "." + SCHEMA_CHANGES + " ("
                        + " stream text NOT NULL,"
                        + " source_lsn pg_lsn NOT NULL,"
                        + " source_txid bigint,"
                        + " source_table text NOT NULL,"
                        + " target_table text,"
                        + " command text NOT NULL,"
                        + " change text NOT NULL,"
                        + " statements text,"
                        + " outcome text NOT NULL,"
                        + " recorded_at timestamptz NOT NULL,"
                        + " PRIMARY KEY (stream, source_lsn))",
                "CREATE TABLE IF NOT EXISTS " + s + "." + SOURCE_TABLES + " ("
                        + " stream text NOT NULL,"
                        + " table_name text NOT NULL,"
                        + " migrated boolean NOT NULL,"
                        + " recorded_at timestamptz NOT NULL,"
                        + " PRIMARY KEY (stream, table_name))");
    }

    /**
     * A stream's applied position for status; one bind parameter, the stream. Columns: kafka_offset, commit_lsn,
     * source_txid, source_commit_time, seconds since that commit, transactions, changes, snapshot_rows.
     */
    public static String statusQuery(String schema) {
        return "SELECT kafka_offset, commit_lsn::text, source_txid, source_commit_time::text,"
                + " extract(epoch FROM clock_timestamp() - source_commit_time), transactions, changes, snapshot_rows"
                + " FROM " + qualified(schema, SINK_PROGRESS) + " WHERE stream = ?";
    }

    /** A stream's snapshot progress per target table; one bind parameter, the stream. Columns: table_name, rows_applied, completed. */
    public static String snapshotQuery(String schema) {
        return "SELECT table_name, rows_applied, completed FROM " + qualified(schema, SNAPSHOT_PROGRESS)
                + " WHERE stream = ? ORDER BY table_name";
    }

    /**
     * A stream's schema changes for status, newest first; one bind parameter, the stream. Columns: source_lsn,
     * source_table, command, change, statements, outcome, recorded_at.
     */
    public static String schemaChangesQuery(String schema) {
        return "SELECT source_lsn::text, source_table, command, change, statements, outcome, recorded_at::text FROM "
                + qualified(schema, SCHEMA_CHANGES) + " WHERE stream = ? ORDER BY source_lsn DESC LIMIT 20";
    }

    /** Deletes a stream's rows from {@code table} (one of {@link #ALL}); one bind parameter, the stream. */
    public static String deleteStream(String schema, String table) {
        return "DELETE FROM " + qualified(schema, table) + " WHERE stream = ?";
    }
}
