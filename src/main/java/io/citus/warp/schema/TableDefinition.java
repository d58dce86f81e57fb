package io.citus.warp.schema;

import io.citus.warp.common.TableName;

import java.util.List;

/**
 * A table as the source catalog describes it: enough to create it again elsewhere.
 *
 * @param partitioning how a partitioned table is partitioned, with its partitions; null for any other table
 */
public record TableDefinition(TableName name, List<Column> columns, List<Constraint> constraints, List<String> indexes,
                              char replicaIdentity, Partitioning partitioning) {

    public TableDefinition(TableName name, List<Column> columns, List<Constraint> constraints, List<String> indexes,
                           char replicaIdentity) {
        this(name, columns, constraints, indexes, replicaIdentity, null);
    }

    /**
     * A partitioned table's key ({@code pg_get_partkeydef}: {@code RANGE (at)}) and every partition below it, each after
     * its parent (sub-partitions after their partitioned partition).
     */
    public record Partitioning(String key, List<Partition> partitions) {
    }

    /**
     * One partition: its name, the table it is a partition of, its bound ({@code FOR VALUES ...} or {@code DEFAULT}) and,
     * for a partition partitioned further, its own key (else null).
     */
    public record Partition(TableName name, TableName parent, String bound, String key) {
    }

    /**
     * One column. {@code type} is {@code format_type()}'s text; {@code defaultExpr} is null for none;
     * {@code serial} is set when the default is the nextval() of a sequence owned by the column;
     * {@code identity} is 'a' (ALWAYS), 'd' (BY DEFAULT) or 0; {@code generatedExpr} for stored generated columns.
     */
    public record Column(String name, String type, boolean notNull, String defaultExpr, boolean serial, char identity,
                         String generatedExpr, String collation) {
    }

    /** A table constraint by name and {@code pg_get_constraintdef()} text; kind is p, u, c or x. */
    public record Constraint(String name, char kind, String definition, List<String> columns) {
    }

    public Constraint primaryKey() {
        return constraints.stream().filter(c -> c.kind() == 'p').findFirst().orElse(null);
    }

    public List<String> primaryKeyColumns() {
        Constraint pk = primaryKey();
        return pk == null ? List.of() : pk.columns();
    }

    public Column column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
}
