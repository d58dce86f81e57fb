package io.citus.warp.sink.catalog;

/**
 * A column of a target table, as the coordinator's catalog describes it.
 *
 * @param type          {@code format_type()} of the column, e.g. {@code numeric(10,2)}, {@code text[]}
 * @param baseType      the type after resolving domains, e.g. {@code integer} for a domain over integer
 * @param category      {@code pg_type.typcategory} of the base type (A array, B boolean, D datetime, N numeric, S string, U user, V bit, ...)
 * @param elementType   for arrays, the element's base type name; otherwise null
 * @param identityAlways {@code GENERATED ALWAYS AS IDENTITY}: inserts need OVERRIDING SYSTEM VALUE
 * @param generated     a stored generated column: never written
 * @param notNull       declared NOT NULL
 * @param dimensions    array dimensions as declared ({@code int[][]} is 2; PostgreSQL does not enforce them)
 */
public record TargetColumn(String name, String type, String baseType, char category, String elementType,
                           boolean identityAlways, boolean generated, boolean notNull,
                           int dimensions) {

    public boolean isArray() {
        return category == 'A';
    }

    /** bit / bit varying: Debezium sends bit(1) as a boolean and others as bytes. */
    public boolean isBitString() {
        return "bit".equals(baseTypeName()) || "bit varying".equals(baseTypeName());
    }

    /** bit varying: Debezium loses the value's length. */
    public boolean isVaryingBitString() {
        return "bit varying".equals(baseTypeName());
    }

    /** The base type without modifiers, e.g. "numeric" for numeric(10,2). */
    public String baseTypeName() {
        int paren = baseType.indexOf('(');
        return paren < 0 ? baseType : baseType.substring(0, paren);
    }
}
