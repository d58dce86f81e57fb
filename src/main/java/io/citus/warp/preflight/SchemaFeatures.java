package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.TableDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code warp check} says about the source schema's features, each as a finding naming the tables, what Warp
 * will do with them, and — for a blocker — the way out: names that need quoting, table inheritance, partitioned
 * tables, row-level security, foreign keys, generated and identity columns. docs/schema-features.md lists the same.
 * The facts are read from the catalogs ({@link #read}); the verdicts are pure functions of them, tested alone.
 */
public final class SchemaFeatures {
    private SchemaFeatures() {
    }

    /** Row-level security of one table, and the connecting role's standing towards it. */
    record RowSecurity(TableName table, boolean forced, boolean owner, boolean bypass, String role) {
    }

    /** A partitioned table: its key, its partitions, whether one is partitioned further, whether its root has a primary key. */
    record Partitioned(TableName table, String key, int partitions, List<TableName> subPartitioned, boolean rootKey) {
    }

    /** Every finding about the source schema of {@code tables} (those that exist; missing ones are reported elsewhere). */
    public static List<Finding> read(Connection source, Connection target, boolean targetIsCitus, Map<TableName, TableDefinition> tables,
                                     boolean debeziumSnapshot) throws SQLException {
        List<Finding> out = new ArrayList<>();
        CatalogReader catalog = new CatalogReader(source);
        List<TableName> quoted = new ArrayList<>();
        List<String[]> inheritance = new ArrayList<>();
        List<String> childrenLeftOut = new ArrayList<>();
        List<Partitioned> partitioned = new ArrayList<>();
        List<RowSecurity> secured = new ArrayList<>();
        List<CatalogReader.ForeignKey> keys = new ArrayList<>();
        List<String> generated = new ArrayList<>();
        List<String> identity = new ArrayList<>();
        List<String> narrowIdentity = new ArrayList<>();
        String[] role = Sql.rows(source, "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").get(0);
        for (Map.Entry<TableName, TableDefinition> e : tables.entrySet()) {
            TableName t = e.getKey();
            TableDefinition def = e.getValue();
            if (needsQuoting(source, t, def)) {
                quoted.add(t);
            }
            for (TableName parent : catalog.inheritanceParents(t)) {
                inheritance.add(new String[] {t.toString(), parent.toString()});
            }
            for (TableName child : catalog.inheritanceChildren(t)) {
                if (!tables.containsKey(child)) {
                    childrenLeftOut.add(child + " (of " + t + ")");
                }
            }
            if (def.partitioning() != null) {
                List<TableName> sub = def.partitioning().partitions().stream().filter(p -> p.key() != null)
                        .map(TableDefinition.Partition::name).toList();
                partitioned.add(new Partitioned(t, def.partitioning().key(), def.partitioning().partitions().size(), sub,
                        def.primaryKey() != null));
            }
            String[] rls = Sql.rows(source, "SELECT relrowsecurity, relforcerowsecurity, pg_has_role(current_user, relowner, 'USAGE')"
                    + " FROM pg_class WHERE oid = ?::regclass", t.quoted()).get(0);
            if ("t".equals(rls[0])) {
                secured.add(new RowSecurity(t, "t".equals(rls[1]), "t".equals(rls[2]), "t".equals(role[1]), role[0]));
            }
            keys.addAll(catalog.foreignKeys(t));
            for (TableDefinition.Column c : def.columns()) {
                if (c.generatedExpr() != null) {
                    generated.add(t + "." + c.name());
                }
                if (c.identity() != 0 || c.serial()) {
                    identity.add(t + "." + c.name() + " (" + (c.identity() == 'a' ? "identity ALWAYS" : c.identity() == 'd'
                            ? "identity BY DEFAULT" : "serial") + ")");
                }
                if (c.identity() != 0 && !"bigint".equals(c.type())) {
                    narrowIdentity.add(t + "." + c.name() + " " + c.type());
                }
            }
        }
        if (!quoted.isEmpty()) {
            out.add(Finding.ok("schema", "quoted names", quoted.stream().map(TableName::quoted).collect(Collectors.joining(", "))
                    + ": quoted in every statement; Debezium's filter matches each exactly (case-sensitive, every non-word"
                    + " character escaped)"));
        }
        out.addAll(inheritance(inheritance, childrenLeftOut, debeziumSnapshot));
        partitioned.forEach(p -> out.add(partitioned(p, targetIsCitus)));
        secured.forEach(r -> out.add(rowSecurity(r)));
        out.addAll(foreignKeys(keys, tables.keySet(), debeziumSnapshot));
        if (!generated.isEmpty()) {
            out.add(Finding.ok("schema", "generated columns", String.join(", ", generated) + ": computed by the target, never"
                    + " copied nor written by the sink (the target's expression must match the source's)"));
        }
        if (!identity.isEmpty()) {
            String detail = String.join(", ", identity) + ": values copied and streamed as they are (OVERRIDING SYSTEM VALUE);"
                    + " warp cutover moves the target's sequences past the source's";
            out.add(targetIsCitus && !narrowIdentity.isEmpty() ? Finding.warn("schema", "identity columns", detail + "; Citus requires"
                    + " bigint identity columns on distributed tables (" + String.join(", ", narrowIdentity) + "): make them bigint"
                    + " on the target, or make their tables reference tables")
                    : Finding.ok("schema", "identity columns", detail));
        }
        if (target != null) {
            out.addAll(targetFeatures(target, tables.keySet()));
        }
        return out;
    }

    /** Table inheritance: each table migrated on its own; children left out stay behind. */
    static List<Finding> inheritance(List<String[]> childParent, List<String> childrenLeftOut, boolean debeziumSnapshot) {
        List<Finding> out = new ArrayList<>();
        if (!childParent.isEmpty()) {
            String pairs = childParent.stream().map(p -> p[0] + " inherits from " + p[1]).collect(Collectors.joining(", "));
            String detail = pairs + ": migrated as tables of their own — each table's own rows copied once (ONLY) and its changes"
                    + " streamed under its own name; on the target they do not inherit (Citus cannot distribute inherited tables),"
                    + " so a query on a parent no longer returns its children's rows";
            boolean comma = childParent.stream().anyMatch(p -> p[1].contains(","));
            out.add(debeziumSnapshot && comma ? Finding.blocker("schema", "table inheritance", detail + "; with"
                    + " --initial-load=debezium a parent whose name holds a comma cannot be snapshotted without its children's rows:"
                    + " use the base copy (the default), or rename it")
                    : Finding.warn("schema", "table inheritance", detail));
        }
        if (!childrenLeftOut.isEmpty()) {
            out.add(Finding.warn("schema", "inheritance children", "not migrated: " + String.join(", ", childrenLeftOut)
                    + ": their rows stay behind (add them to --tables to migrate them as tables of their own)"));
        }
        return out;
    }

    /** A partitioned table: published through its root, created with its partitions; refused without a key on the root. */
    static Finding partitioned(Partitioned p, boolean targetIsCitus) {
        if (!p.rootKey()) {
            return Finding.blocker("schema", "partitioned tables", p.table() + " is partitioned (" + p.key() + ") and has no PRIMARY KEY"
                    + " on its root: its changes are published through the root, whose replica identity has no key, so updates and"
                    + " deletes could not be applied. Add a PRIMARY KEY on the root (it must include the partition key columns), or"
                    + " leave the table out of --tables");
        }
        if (targetIsCitus && !p.subPartitioned().isEmpty()) {
            return Finding.blocker("schema", "partitioned tables", p.table() + " is multi-level partitioned (" + p.subPartitioned()
                    + " partitioned again): Citus does not distribute multi-level partitioned tables. Attach the leaf partitions to"
                    + " the root directly (one level), or leave the table out of --tables");
        }
        return Finding.ok("schema", "partitioned tables", p.table() + ": " + p.key() + ", " + p.partitions() + " partition(s): copied"
                + " and streamed through the root (publish_via_partition_root); warp schema creates the partitions with it");
    }

    /** Row-level security: whether the connecting role reads every row, and if not what it needs. */
    static Finding rowSecurity(RowSecurity r) {
        if (r.bypass()) {
            return Finding.ok("schema", "row-level security", r.table() + ": enabled; " + r.role() + " bypasses it (superuser or"
                    + " BYPASSRLS): every row is read");
        }
        if (r.owner() && !r.forced()) {
            return Finding.ok("schema", "row-level security", r.table() + ": enabled, not forced; " + r.role() + " owns the table, which"
                    + " its policies do not restrict: every row is read");
        }
        String why = r.owner() ? "FORCE ROW LEVEL SECURITY subjects its owner " + r.role() + " to its policies"
                : r.role() + " does not own it, so its policies restrict what it reads";
        return Finding.blocker("schema", "row-level security", r.table() + ": enabled, and " + why + ": Debezium's snapshot would read"
                + " only the rows they allow, and the copy and verify (row_security = off) are refused. Way out: ALTER ROLE "
                + Sql.ident(r.role()) + " BYPASSRLS (as a superuser)" + (r.owner() ? ", or ALTER TABLE " + r.table().quoted()
                + " NO FORCE ROW LEVEL SECURITY while migrating" : ", or connect as the table's owner (without FORCE ROW LEVEL"
                + " SECURITY)"));
    }

    /** Foreign keys: between migrated tables dropped and re-added around the base copy; to others, the target's to keep. */
    static List<Finding> foreignKeys(List<CatalogReader.ForeignKey> keys, Set<TableName> migrated, boolean debeziumSnapshot) {
        List<Finding> out = new ArrayList<>();
        Set<String> inside = new LinkedHashSet<>();
        Set<String> outside = new LinkedHashSet<>();
        for (CatalogReader.ForeignKey fk : keys) {
            String shown = fk.table() + " -> " + fk.referenced() + " (" + fk.name() + ")";
            (migrated.contains(fk.referenced()) ? inside : outside).add(shown);
        }
        if (!inside.isEmpty()) {
            out.add(debeziumSnapshot ? Finding.blocker("schema", "foreign keys", String.join(", ", inside) + ": Debezium's snapshot"
                    + " loads the tables one after another in its own order, which the target's foreign keys refuse. Use the base copy"
                    + " (the default: it drops them on the target during the copy and re-adds them once every table is copied), or"
                    + " drop them on the target until the snapshot is complete")
                    : Finding.ok("schema", "foreign keys", String.join(", ", inside) + ": dropped on the target while the base copy"
                    + " runs (its ranges commit in parallel) and re-added, validated, once every table is copied; streamed changes"
                    + " keep them, each source transaction being applied whole"));
        }
        if (!outside.isEmpty()) {
            out.add(Finding.warn("schema", "foreign keys", String.join(", ", outside) + ": the referenced table is not migrated;"
                    + " warp schema does not create these keys, and a target table that has one must hold the referenced rows"));
        }
        return out;
    }

    /** Whether a table's or one of its columns' names needs quoting (quote_ident would quote it). */
    private static boolean needsQuoting(Connection c, TableName t, TableDefinition def) throws SQLException {
        List<String> names = new ArrayList<>(List.of(t.schema(), t.table()));
        def.columns().forEach(col -> names.add(col.name()));
        for (String name : names) {
            if (!name.equals(Sql.one(c, "SELECT quote_ident(?)", name))) {
                return true;
            }
        }
        return false;
    }

    /** On the target: inheritance the sink's writes would reach through, and row-level security that restricts its user. */
    private static List<Finding> targetFeatures(Connection target, Set<TableName> tables) throws SQLException {
        List<Finding> out = new ArrayList<>();
        CatalogReader catalog = new CatalogReader(target);
        String[] role = Sql.rows(target, "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").get(0);
        for (TableName t : tables) {
            if (!catalog.exists(t)) {
                continue;
            }
            if (!catalog.inheritanceChildren(t).isEmpty() || !catalog.inheritanceParents(t).isEmpty()) {
                out.add(Finding.blocker("target", "table inheritance " + t, "inherits or is inherited from on the target: the sink's"
                        + " updates, deletes and truncates of a parent would reach its children's rows. Create the tables without"
                        + " INHERITS (warp schema does)"));
            }
            String[] rls = Sql.rows(target, "SELECT relrowsecurity, relforcerowsecurity, pg_has_role(current_user, relowner, 'USAGE')"
                    + " FROM pg_class WHERE oid = ?::regclass", t.quoted()).get(0);
            boolean restricted = "t".equals(rls[0]) && !"t".equals(role[1]) && (!"t".equals(rls[2]) || "t".equals(rls[1]));
            if (restricted) {
                out.add(Finding.blocker("target", "row-level security " + t, "its policies restrict " + role[0] + ": the sink's writes"
                        + " and verify's reads would be filtered or refused. ALTER ROLE " + Sql.ident(role[0]) + " BYPASSRLS, or disable"
                        + " row-level security on the target table until the migration is finished"));
            }
        }
        return out;
    }
}
