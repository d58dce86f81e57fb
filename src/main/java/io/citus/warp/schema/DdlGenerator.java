package io.citus.warp.schema;

import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.TableDefinition.Column;
import io.citus.warp.schema.TableDefinition.Constraint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns catalog definitions into DDL that recreates them on the target, in dependency order:
 * schemas, enum, domain, composite and range types, tables (columns, defaults, identity, generated columns, primary key,
 * unique and check constraints), the partitions of partitioned tables, then indexes; foreign keys between
 * migrated tables come separately ({@link #foreignKeys}), after a Citus distribution. Every statement can run again
 * without harm. A child of table inheritance is created as a table of its own, with the columns and CHECK constraints
 * it inherits (Citus does not distribute inherited tables). Triggers, policies and grants are deliberately left out:
 * they are the application's to add once the data is in place.
 */
public final class DdlGenerator {
    private DdlGenerator() {
    }

    public static List<String> statements(Collection<UserType> types, Collection<TableDefinition> tables) {
        List<String> out = new ArrayList<>();
        Set<String> schemas = new LinkedHashSet<>();
        types.forEach(t -> schemas.add(t.schema()));
        tables.forEach(t -> schemas.add(t.name().schema()));
        schemas.stream().filter(s -> !"public".equals(s)).forEach(s -> out.add("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s)));
        types.forEach(t -> out.add(createType(t)));
        tables.forEach(t -> {
            out.add(createTable(t));
            if (t.partitioning() != null) {
                t.partitioning().partitions().forEach(p -> out.add(createPartition(p)));
            }
        });
        // After the partitions: an index on a partitioned table is then created on each of them too.
        tables.forEach(t -> t.indexes().forEach(ix -> out.add(ifNotExists(ix.replaceFirst(" ON ONLY ", " ON ")))));
        return out;
    }

    /** {@code CREATE TABLE p PARTITION OF parent FOR VALUES ... [PARTITION BY ...]}: its columns and keys come from the parent. */
    static String createPartition(TableDefinition.Partition p) {
        return "CREATE TABLE IF NOT EXISTS " + p.name().quoted() + " PARTITION OF " + p.parent().quoted() + " " + p.bound()
                + (p.key() == null ? "" : " PARTITION BY " + p.key());
    }

    /**
     * The foreign keys as {@code ALTER TABLE ... ADD CONSTRAINT}, each tolerating one that exists already; run after a
     * Citus distribution, whose rules they must then meet (between co-located tables by the distribution column, or to
     * a reference table).
     */
    public static List<String> foreignKeys(Collection<CatalogReader.ForeignKey> keys) {
        List<String> out = new ArrayList<>();
        for (CatalogReader.ForeignKey fk : keys) {
            out.add("DO " + Sql.dollarQuote("warp", " BEGIN ALTER TABLE " + fk.table().quoted() + " ADD CONSTRAINT "
                    + Sql.ident(fk.name()) + " " + fk.definition() + "; EXCEPTION WHEN duplicate_object THEN NULL; END "));
        }
        return out;
    }

    static String createType(UserType t) {
        String name = Sql.ident(t.schema()) + "." + Sql.ident(t.name());
        String create;
        if (t.kind() == 'e') {
            create = "CREATE TYPE " + name + " AS ENUM ("
                    + t.enumLabels().stream().map(Sql::literal).collect(Collectors.joining(", ")) + ")";
        } else if (t.kind() == 'c') {
            create = "CREATE TYPE " + name + " AS (" + String.join(", ", t.attributes()) + ")";
        } else if (t.kind() == 'r') {
            create = "CREATE TYPE " + name + " AS RANGE (" + String.join(", ", t.rangeOptions()) + ")";
        } else {
            StringBuilder d = new StringBuilder("CREATE DOMAIN " + name + " AS " + t.baseType());
            if (t.defaultExpr() != null) {
                d.append(" DEFAULT ").append(t.defaultExpr());
            }
            if (t.notNull()) {
                d.append(" NOT NULL");
            }
            t.checks().forEach(c -> d.append(' ').append(c));
            create = d.toString();
        }
        // CREATE TYPE/DOMAIN have no IF NOT EXISTS: tolerate an existing one.
        return "DO " + Sql.dollarQuote("warp", " BEGIN " + create + "; EXCEPTION WHEN duplicate_object THEN NULL; END ");
    }

    public static String createTable(TableDefinition t) {
        List<String> parts = new ArrayList<>();
        for (Column c : t.columns()) {
            parts.add(columnDefinition(c));
        }
        for (Constraint c : t.constraints()) {
            parts.add("CONSTRAINT " + Sql.ident(c.name()) + " " + c.definition());
        }
        return "CREATE TABLE IF NOT EXISTS " + t.name().quoted() + " (\n    " + String.join(",\n    ", parts) + "\n)"
                + (t.partitioning() == null ? "" : " PARTITION BY " + t.partitioning().key());
    }

    static String columnDefinition(Column c) {
        StringBuilder s = new StringBuilder(Sql.ident(c.name())).append(' ');
        if (c.serial() && c.identity() == 0) {
            s.append(serialType(c.type()));
        } else {
            s.append(c.type());
        }
        if (c.collation() != null) {
            s.append(" COLLATE ").append(c.collation());
        }
        if (c.generatedExpr() != null) {
            s.append(" GENERATED ALWAYS AS (").append(c.generatedExpr()).append(") STORED");
        } else if (c.identity() == 'a') {
            s.append(" GENERATED ALWAYS AS IDENTITY");
        } else if (c.identity() == 'd') {
            s.append(" GENERATED BY DEFAULT AS IDENTITY");
        } else if (!c.serial() && c.defaultExpr() != null) {
            s.append(" DEFAULT ").append(c.defaultExpr());
        }
        if (c.notNull()) {
            s.append(" NOT NULL");
        }
        return s.toString();
    }

    /** A column whose default is its own sequence becomes serial again, with a sequence of its own on the target. */
    static String serialType(String type) {
        return switch (type) {
            case "smallint" -> "smallserial";
            case "integer" -> "serial";
            case "bigint" -> "bigserial";
            default -> type;
        };
    }

    /** {@code CREATE [UNIQUE] INDEX name ON ...} from pg_get_indexdef, made idempotent. */
    static String ifNotExists(String indexDef) {
        return indexDef.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX IF NOT EXISTS ");
    }

    /**
     * The statements that distribute a table on Citus by {@code column}: first, if the primary key lacks
     * that column, replace it by one that has it (Citus requires it), then create_distributed_table.
     */
    public static List<String> distribute(TableName table, String column, String pkName, List<String> pkColumns) {
        List<String> out = new ArrayList<>();
        if (pkName != null && !pkColumns.contains(column)) {
            List<String> extended = new ArrayList<>(pkColumns);
            extended.add(column);
            out.add("ALTER TABLE " + table.quoted() + " DROP CONSTRAINT " + Sql.ident(pkName) + ", ADD CONSTRAINT "
                    + Sql.ident(pkName) + " PRIMARY KEY ("
                    + extended.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ")");
        }
        out.add("SELECT create_distributed_table(" + Sql.literal(table.quoted()) + ", " + Sql.literal(column) + ")");
        return out;
    }

    public static String reference(TableName table) {
        return "SELECT create_reference_table(" + Sql.literal(table.quoted()) + ")";
    }
}
