package io.citus.warp.sink.event;

/**
 * A column of a source table as the schema-change capture recorded it from the source's catalog
 * ({@link io.citus.warp.common.SchemaChangeCapture}).
 *
 * @param attnum      its number in the table: stable across renames, never reused after a drop
 * @param type        {@code format_type} with {@code search_path = pg_catalog} (user types schema-qualified)
 * @param typeOid     with {@code typmod}, what identifies the type (a renamed type keeps its oid)
 * @param collation   the column's collation when it is not its type's, else null
 * @param defaultExpr {@code pg_get_expr} of its default (or generation expression), else null
 * @param missing     the value rows that existed before it was added read ({@code attmissingval}), else null
 * @param generated   {@code attgenerated} ("s" stored), else null
 * @param identity    {@code attidentity} ("a" always, "d" by default), else null
 */
public record SourceColumn(int attnum, String name, String type, long typeOid, int typmod, String collation, boolean notNull,
                           String defaultExpr, String missing, String generated, String identity) {

    /** Same type, modifier and collation. */
    public boolean sameTypeAs(SourceColumn other) {
        return typeOid == other.typeOid && typmod == other.typmod && java.util.Objects.equals(collation, other.collation);
    }
}
