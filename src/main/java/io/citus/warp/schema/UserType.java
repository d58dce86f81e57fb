package io.citus.warp.schema;

import java.util.List;

/**
 * A type the migrated columns use that must exist on the target first: an enum (its labels in order), a domain (base
 * type, NOT NULL, default and CHECK constraints), a composite type (its attributes, each {@code name type [COLLATE c]})
 * or a range type (the options of {@code CREATE TYPE ... AS RANGE}, which also names its multirange).
 *
 * @param kind {@code pg_type.typtype}: {@code e} enum, {@code d} domain, {@code c} composite, {@code r} range
 */
public record UserType(String schema, String name, char kind, List<String> enumLabels, String baseType, boolean notNull,
                       String defaultExpr, List<String> checks, List<String> attributes, List<String> rangeOptions) {

    /** An enum or a domain. */
    public UserType(String schema, String name, char kind, List<String> enumLabels, String baseType, boolean notNull,
                    String defaultExpr, List<String> checks) {
        this(schema, name, kind, enumLabels, baseType, notNull, defaultExpr, checks, List.of(), List.of());
    }
}
