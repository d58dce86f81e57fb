package io.citus.warp.sink.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.common.SchemaChangeCapture;

import java.util.ArrayList;
import java.util.List;

/**
 * One DDL command on a migrated source table, as the schema-change capture recorded it inside the command's own source
 * transaction: the table's definition before and after it, and whether PostgreSQL rewrote the table for it.
 *
 * @param seq     the capture's counter for this table and slot
 * @param tag     the command tags ({@code ALTER TABLE}, {@code DROP TABLE}, {@code warp start} for a difference found
 *                when the capture was (re)installed)
 * @param rewrite PostgreSQL's table_rewrite reasons, OR-ed (0: the rows were not rewritten)
 * @param after   null when the table was dropped
 */
public record SchemaChange(String slot, long seq, String tag, int rewrite, SourceTable before, SourceTable after) {
    /** table_rewrite reason: the table's persistence changed (SET LOGGED / UNLOGGED). */
    public static final int REWRITE_PERSISTENCE = 1;
    /** table_rewrite reason: a default PostgreSQL computes per row (volatile default, generated or identity column). */
    public static final int REWRITE_DEFAULT = 2;
    /** table_rewrite reason: a column type change that converts every row. */
    public static final int REWRITE_COLUMN_TYPE = 4;
    /** table_rewrite reason: a new access method (SET ACCESS METHOD); the rows' values do not change. */
    public static final int REWRITE_ACCESS_METHOD = 8;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether the rows' values may have changed without row changes in the stream (a rewrite other than an access method). */
    public boolean rewroteValues() {
        return (rewrite & ~REWRITE_ACCESS_METHOD) != 0;
    }

    /** Nothing about the table changed (the capture was installed again over an unchanged table). */
    public boolean isNoOp() {
        return rewrite == 0 && java.util.Objects.equals(before, after);
    }

    /**
     * Reads the capture row's {@value SchemaChangeCapture#CHANGE_COLUMN} JSON.
     *
     * @throws IllegalArgumentException when it is not a change as the capture writes it
     */
    public static SchemaChange parse(String slot, String json) {
        try {
            JsonNode change = JSON.readTree(json);
            return new SchemaChange(slot, change.path(SchemaChangeCapture.F_SEQ).asLong(),
                    change.path(SchemaChangeCapture.F_TAG).asText(""), change.path(SchemaChangeCapture.F_REWRITE).asInt(),
                    table(change.get(SchemaChangeCapture.F_BEFORE)), table(change.get(SchemaChangeCapture.F_AFTER)));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a schema change as warp's capture records it (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static SourceTable table(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        List<SourceColumn> columns = new ArrayList<>();
        for (JsonNode c : t.path(SchemaChangeCapture.F_COLUMNS)) {
            columns.add(new SourceColumn(required(c, SchemaChangeCapture.C_ATTNUM).asInt(), required(c, SchemaChangeCapture.C_NAME).asText(),
                    required(c, SchemaChangeCapture.C_TYPE).asText(), required(c, SchemaChangeCapture.C_TYPE_OID).asLong(),
                    c.path(SchemaChangeCapture.C_TYPMOD).asInt(-1), text(c, SchemaChangeCapture.C_COLLATION),
                    c.path(SchemaChangeCapture.C_NOT_NULL).asBoolean(false), text(c, SchemaChangeCapture.C_DEFAULT),
                    text(c, SchemaChangeCapture.C_MISSING), text(c, SchemaChangeCapture.C_GENERATED), text(c, SchemaChangeCapture.C_IDENTITY)));
        }
        List<String> partitions = null;
        if (t.hasNonNull(SchemaChangeCapture.F_PARTITIONS)) {
            partitions = new ArrayList<>();
            for (JsonNode p : t.get(SchemaChangeCapture.F_PARTITIONS)) {
                partitions.add(p.asText());
            }
        }
        List<String> primaryKey = new ArrayList<>();
        for (JsonNode k : t.path(SchemaChangeCapture.F_PRIMARY_KEY)) {
            primaryKey.add(k.asText());
        }
        return new SourceTable(required(t, SchemaChangeCapture.F_SCHEMA).asText(), required(t, SchemaChangeCapture.F_NAME).asText(),
                t.path(SchemaChangeCapture.F_PERSISTENCE).asText("p"), t.path(SchemaChangeCapture.F_REPLICA_IDENTITY).asText("d"),
                primaryKey, partitions, columns);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field " + field + " missing");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
