package io.citus.warp.schema;

import java.util.List;

/**
 * A type the migrated columns use that must exist on the target first: an enum (its labels in order)
 * or a domain (base type, NOT NULL, default and CHECK constraints).
 */
public record UserType(String schema, String name, char kind, List<String> enumLabels, String baseType, boolean notNull,
                       String defaultExpr, List<String> checks) {
}
