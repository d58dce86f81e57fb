package io.citus.warp.sink.schema;

import io.citus.warp.common.Identifiers;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.event.SchemaChange;
import io.citus.warp.sink.event.SourceColumn;
import io.citus.warp.sink.event.SourceTable;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what a captured schema change means for its target table: the one place that says which changes the sink makes
 * itself and which stop it. Columns are matched by their source {@code attnum}, so a rename is told apart from a drop and
 * an add; whether the source rewrote the table is PostgreSQL's own decision ({@code table_rewrite}), never guessed.
 *
 * <p>Made on the target, exactly:
 * <ul>
 *   <li>ADD COLUMN with no default, or one PostgreSQL evaluated once and stored for the existing rows (a constant,
 *       {@code now()}): added with the source's type, collation and nullability, the existing rows reading the source's
 *       stored value (a literal default, then the source's own default expression);</li>
 *   <li>DROP COLUMN (never the Citus distribution column);</li>
 *   <li>a type change PostgreSQL made without rewriting the table (varchar(n) to varchar(m &gt; n) or text, numeric
 *       precision up), where the target column still has the source's old type;</li>
 *   <li>SET/DROP DEFAULT, SET/DROP NOT NULL, REPLICA IDENTITY DEFAULT/FULL, a new empty partition.</li>
 * </ul>
 * Everything else is refused with the statements to run on the target: a change that rewrote the rows (a default computed
 * per row, a type change converting every row), a rename of a column or the table, a new primary key, a dropped table,
 * partitions attached, detached or dropped, an unlogged table, replica identities the sink is not configured for.
 *
 * <p>Idempotent: what the target already has is not made again, so a change that was stopped at goes on once the target
 * table matches the source's new definition, and one made before the sink restarted is not made twice. A column the
 * target already has must hold, in every row, the value the source's rows read when it was added there.
 */
public final class SchemaChangePlanner {
    private final boolean apply;
    private final Set<TableName> identityIndexTables;

    /**
     * @param apply               make the changes that can be made exactly (else every change is refused)
     * @param identityIndexTables source tables the sink matches by a replica identity index (replica.identity.index)
     */
    public SchemaChangePlanner(boolean apply, Set<TableName> identityIndexTables) {
        this.apply = apply;
        this.identityIndexTables = Set.copyOf(identityIndexTables);
    }

    /**
     * @param target    the target table: under the source's old name, or (once renamed there) its new one; null when absent
     * @param renamedTo where the table goes when the change renamed it (as the sink maps the new source name), else null
     */
    public SchemaChangePlan plan(SchemaChange change, TargetShape target, TableName renamedTo) {
        Plan p = new Plan();
        SourceTable before = change.before();
        SourceTable after = change.after();
        if (after == null) {
            p.change.add("DROP TABLE " + before.id());
            if (target != null) {
                p.refuse("the source dropped the table");
                p.fixAfter("DROP TABLE " + target.table().quoted() + " (or ALTER TABLE ... RENAME TO another name, to keep its rows)");
            }
            return p.done();
        }
        if (target == null) {
            p.change.add("ALTER TABLE " + before.id());
            p.refuse("the target table does not exist");
            p.fixAfter("create it as the source has it (warp schema)");
            return p.done();
        }
        String t = target.table().quoted();
        tableLevel(p, change, target, renamedTo, t);
        columns(p, change, target, t);
        if (change.rewrite() != 0 && !p.rewriteExplained) {
            p.change.add("table rewritten (table_rewrite reason " + change.rewrite() + ")");
            if (change.rewroteValues()) {
                p.refuse("PostgreSQL rewrote the table's rows, and no row change carries what the rewrite did: migrate the "
                        + "table again (docs/schema-changes.md)");
            }
        }
        if (p.change.isEmpty()) {
            p.change.add(change.tag() + " changed nothing the sink follows");
        }
        if (!apply && !p.statements.isEmpty() && !p.refused()) {
            p.refuse("the sink's schema.changes setting is 'stop'");
        }
        return p.done();
    }

    private void tableLevel(Plan p, SchemaChange change, TargetShape target, TableName renamedTo, String t) {
        SourceTable before = change.before();
        SourceTable after = change.after();
        if (!before.id().equals(after.id())) {
            p.change.add("ALTER TABLE " + before.id() + " RENAME/SET SCHEMA to " + after.id());
            if (renamedTo == null || !renamedTo.equals(target.table())) {
                p.refuse("the source renamed the table (or moved it to another schema); Debezium's table.include.list names "
                        + "tables, so the source connector no longer captures changes made to it under its new name, and the "
                        + "table must be migrated again (docs/schema-changes.md, \"Tables created during a migration\")");
                if (!before.schema().equals(after.schema())) {
                    p.fixBefore("ALTER TABLE " + t + " SET SCHEMA " + Identifiers.quote(after.schema()));
                }
                if (!before.name().equals(after.name())) {
                    p.fixBefore("ALTER TABLE " + (before.schema().equals(after.schema()) ? t
                            : Identifiers.quote(after.schema()) + "." + Identifiers.quote(target.table().table()))
                            + " RENAME TO " + Identifiers.quote(after.name()));
                }
            }
        }
        if ("u".equals(after.persistence()) && !"u".equals(before.persistence())) {
            p.change.add("SET UNLOGGED");
            p.refuse("an unlogged table is not written to WAL, so its changes are no longer captured: run ALTER TABLE "
                    + before.id() + " SET LOGGED on the source, and migrate the table again (its changes while unlogged are lost)");
        }
        if (!Objects.equals(before.partitions(), after.partitions())) {
            Set<String> removed = new TreeSet<>(before.partitions() == null ? List.of() : before.partitions());
            Set<String> added = new TreeSet<>(after.partitions() == null ? List.of() : after.partitions());
            removed.removeAll(after.partitions() == null ? List.of() : after.partitions());
            added.removeAll(before.partitions() == null ? List.of() : before.partitions());
            if (!removed.isEmpty()) {
                p.change.add("partitions detached or dropped: " + String.join(", ", removed));
            }
            if (!added.isEmpty()) {
                p.change.add("partitions " + (change.tag().contains("CREATE TABLE") ? "created" : "attached") + ": " + String.join(", ", added));
            }
            if (!removed.isEmpty() || !change.tag().contains("CREATE TABLE")) {
                p.refuse("rows entered or left the table with its partitions, and no row change carries them: migrate the "
                        + "table again (docs/schema-changes.md)");
            }
        }
        if (!before.replicaIdentity().equals(after.replicaIdentity())) {
            p.change.add("REPLICA IDENTITY " + identityName(before.replicaIdentity()) + " -> " + identityName(after.replicaIdentity()));
            boolean byIndex = identityIndexTables.contains(before.id());
            if ("n".equals(after.replicaIdentity())) {
                p.refuse("with REPLICA IDENTITY NOTHING updates and deletes of the table cannot be captured: set it back on the source");
            } else if ("i".equals(after.replicaIdentity()) != byIndex) {
                p.refuse("the sink matches this table's updates and deletes " + (byIndex ? "by a replica identity index" : "by its key")
                        + ": set replica.identity.index on the sink to match the source (warp start renders it), then restart the sink task");
            }
        }
        if (!before.primaryKey().equals(after.primaryKey())) {
            p.change.add("PRIMARY KEY (" + String.join(", ", before.primaryKey()) + ") -> (" + String.join(", ", after.primaryKey()) + ")");
            Set<String> expected = new LinkedHashSet<>(after.primaryKey());
            if (target.distributionColumn() != null) {
                expected.add(target.distributionColumn());
            }
            if (after.primaryKey().isEmpty()) {
                p.refuse("the source table has no primary key any more, so its rows cannot be matched on the target: give it one "
                        + "on the source (or REPLICA IDENTITY FULL and keyless.tables, docs/guarantees.md)");
            } else if (!new TreeSet<>(target.primaryKey()).equals(new TreeSet<>(expected))) {
                p.refuse("the sink matches rows by the target's primary key, which must be the source's new one"
                        + (target.distributionColumn() == null ? "" : " plus the distribution column " + target.distributionColumn()));
                if (target.primaryKeyName() != null) {
                    p.fixAfter("ALTER TABLE " + t + " DROP CONSTRAINT " + Identifiers.quote(target.primaryKeyName()));
                }
                p.fixAfter("ALTER TABLE " + t + " ADD PRIMARY KEY ("
                        + String.join(", ", expected.stream().map(Identifiers::quote).toList()) + ")");
            }
        }
    }

    private void columns(Plan p, SchemaChange change, TargetShape target, String t) {
        SourceTable before = change.before();
        SourceTable after = change.after();
        Set<Integer> attnums = new TreeSet<>();
        before.columns().forEach(c -> attnums.add(c.attnum()));
        after.columns().forEach(c -> attnums.add(c.attnum()));
        List<String> drops = new ArrayList<>();
        List<String> alters = new ArrayList<>();
        List<String> adds = new ArrayList<>();
        for (int attnum : attnums) {
            SourceColumn b = before.column(attnum);
            SourceColumn a = after.column(attnum);
            if (a == null) {
                dropped(p, b, target, drops);
            } else if (b == null) {
                added(p, change, a, target, adds);
            } else {
                changed(p, change, b, a, target, t, alters);
            }
        }
        List<String> subcommands = new ArrayList<>(drops);
        subcommands.addAll(alters);
        subcommands.addAll(adds);
        // One statement each: Citus refuses some subcommands combined with others (ADD CONSTRAINT, for one).
        for (String subcommand : subcommands) {
            p.statements.add("ALTER TABLE " + t + " " + subcommand);
        }
    }

    private void dropped(Plan p, SourceColumn b, TargetShape target, List<String> drops) {
        p.change.add("DROP COLUMN " + Identifiers.quote(b.name()));
        if (target.column(b.name()) == null) {
            return; // already gone
        }
        if (b.name().equals(target.distributionColumn())) {
            p.refuse("column " + Identifiers.quote(b.name()) + " is the target's Citus distribution column, which cannot be "
                    + "dropped: distribute the table by another column first (alter_distributed_table)");
        } else if (target.primaryKey().contains(b.name())) {
            p.refuse("column " + Identifiers.quote(b.name()) + " is in the target's primary key");
        }
        drops.add("DROP COLUMN " + Identifiers.quote(b.name()));
    }

    private void added(Plan p, SchemaChange change, SourceColumn a, TargetShape target, List<String> adds) {
        String name = Identifiers.quote(a.name());
        p.change.add("ADD COLUMN " + name + " " + definition(a));
        p.rewriteExplained = true;
        TargetShape.Column existing = target.column(a.name());
        if (existing != null) {
            if (!sameType(existing, a)) {
                p.refuse("the target already has a column " + name + ", of type " + existing.type() + " instead of the source's "
                        + a.type());
                return;
            }
            if (!change.rewroteValues()) {
                // Rows that existed when the source added it read its stored value (or NULL): so must the target's.
                p.checks.add(new SchemaChangePlan.RowsCheck(a.name(), typeWithCollation(a), a.missing()));
            }
            metadata(p, a, existing, adds);
            return;
        }
        if (a.generated() != null) {
            p.refuse("a generated column is computed for every row; the target computes the same values once it has the column");
        } else if (change.rewroteValues()) {
            p.refuse("PostgreSQL rewrote the table to give the existing rows a value computed for each of them (" + describeDefault(a)
                    + "), and no row change carries those values. After adding the column on the target, carry them: run "
                    + "UPDATE " + change.after().id().quoted() + " SET " + name + " = " + name + " on the source (in batches for a large "
                    + "table; it rewrites each row and fires the table's UPDATE triggers), or accept that those rows differ "
                    + "(warp verify names the table)");
        }
        StringBuilder add = new StringBuilder("ADD COLUMN ").append(name).append(' ').append(typeWithCollation(a));
        if (a.generated() != null) {
            add.append(" GENERATED ALWAYS AS (").append(a.defaultExpr()).append(") STORED");
        } else if (change.rewroteValues()) {
            if (a.defaultExpr() != null) {
                add.append(" DEFAULT ").append(a.defaultExpr());
            }
        } else if (a.missing() != null) {
            // The existing rows read the value the source stored once; the column's default is the source's expression.
            add.append(" DEFAULT ").append(literal(a.missing())).append("::").append(a.type());
        }
        if (a.notNull()) {
            add.append(" NOT NULL");
        }
        if (a.identity() != null) {
            add.append(" GENERATED ").append("a".equals(a.identity()) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
        }
        adds.add(add.toString());
        if (a.generated() == null && a.identity() == null && !change.rewroteValues()) {
            if (a.defaultExpr() != null) {
                adds.add("ALTER COLUMN " + name + " SET DEFAULT " + a.defaultExpr());
            } else if (a.missing() != null) {
                adds.add("ALTER COLUMN " + name + " DROP DEFAULT");
            }
        }
    }

    private void changed(Plan p, SchemaChange change, SourceColumn b, SourceColumn a, TargetShape target, String t,
                         List<String> alters) {
        TargetShape.Column existing = target.column(a.name());
        if (!b.name().equals(a.name())) {
            p.change.add("RENAME COLUMN " + Identifiers.quote(b.name()) + " TO " + Identifiers.quote(a.name()));
            if (existing == null || target.column(b.name()) != null) {
                p.refuse("the source renamed column " + Identifiers.quote(b.name()) + " (the same column, attnum " + a.attnum()
                        + ", not a drop and an add: its values stay)");
                p.fixBefore("ALTER TABLE " + t + " RENAME COLUMN " + Identifiers.quote(b.name()) + " TO " + Identifiers.quote(a.name()));
                existing = target.column(b.name());
            }
        }
        if (existing == null) {
            p.refuse("the target table has no column " + Identifiers.quote(b.name()));
            return;
        }
        String name = Identifiers.quote(a.name());
        if (!b.sameTypeAs(a)) {
            p.change.add("ALTER COLUMN " + name + " TYPE " + typeWithCollation(a));
            p.rewriteExplained = true;
            if (!sameType(existing, a) && !holdsEveryValue(existing, a)) {
                String alter = "ALTER COLUMN " + name + " TYPE " + typeWithCollation(a);
                if (change.rewroteValues()) {
                    p.refuse("PostgreSQL converted every row of the table for the new type of " + name + " (a rewrite), which no "
                            + "row change carries; the target converts its rows the same way when its column changes (give it the "
                            + "USING expression used on the source, if any)");
                } else if (a.name().equals(target.distributionColumn())) {
                    p.refuse(name + " is the target's Citus distribution column, whose type Citus cannot change in place");
                } else if (!sameTypeText(existing, b)) {
                    p.refuse("the target column " + name + " has type " + existing.type() + ", not the source's previous " + b.type());
                }
                alters.add(alter);
            }
        }
        if (!Objects.equals(b.identity(), a.identity()) || !Objects.equals(b.generated(), a.generated())) {
            p.change.add("ALTER COLUMN " + name + " identity/generation " + flags(b) + " -> " + flags(a));
            if (!Objects.equals(existing.identity(), a.identity()) || !Objects.equals(existing.generated(), a.generated())) {
                p.refuse("identity and generated columns are not changed by the sink; make target column " + name + " "
                        + flags(a) + " (ALTER TABLE " + t + " ALTER COLUMN " + name + " ...)");
            }
            return;
        }
        if (!Objects.equals(b.defaultExpr(), a.defaultExpr())) {
            p.change.add("ALTER COLUMN " + name + (a.defaultExpr() == null ? " DROP DEFAULT" : " SET DEFAULT " + a.defaultExpr()));
        }
        if (b.notNull() != a.notNull()) {
            p.change.add("ALTER COLUMN " + name + (a.notNull() ? " SET" : " DROP") + " NOT NULL");
        }
        if (!Objects.equals(b.defaultExpr(), a.defaultExpr()) || b.notNull() != a.notNull()) {
            metadata(p, a, existing, alters);
        }
    }

    /** Default and NOT NULL of an existing target column made the source's. */
    private static void metadata(Plan p, SourceColumn a, TargetShape.Column existing, List<String> into) {
        if (a.generated() != null) {
            return;
        }
        String name = Identifiers.quote(a.name());
        if (!Objects.equals(existing.defaultExpr(), a.defaultExpr())) {
            into.add("ALTER COLUMN " + name + (a.defaultExpr() == null ? " DROP DEFAULT" : " SET DEFAULT " + a.defaultExpr()));
        }
        if (existing.notNull() != a.notNull()) {
            into.add("ALTER COLUMN " + name + (a.notNull() ? " SET" : " DROP") + " NOT NULL");
        }
    }

    private static boolean sameType(TargetShape.Column existing, SourceColumn a) {
        return existing.type().equals(a.type()) && Objects.equals(existing.collation(), a.collation());
    }

    private static boolean sameTypeText(TargetShape.Column existing, SourceColumn b) {
        return existing.type().equals(b.type()) && Objects.equals(existing.collation(), b.collation());
    }

    /** A target column of type text holds every character string exactly, an unconstrained numeric every number. */
    private static boolean holdsEveryValue(TargetShape.Column existing, SourceColumn a) {
        if (!Objects.equals(existing.collation(), a.collation())) {
            return false;
        }
        return ("text".equals(existing.type()) && (a.type().equals("text") || a.type().startsWith("character varying")))
                || ("numeric".equals(existing.type()) && a.type().startsWith("numeric"));
    }

    private static String typeWithCollation(SourceColumn a) {
        return a.type() + (a.collation() == null ? "" : " COLLATE " + a.collation());
    }

    private static String definition(SourceColumn a) {
        StringBuilder d = new StringBuilder(typeWithCollation(a));
        if (a.generated() != null) {
            d.append(" GENERATED ALWAYS AS (").append(a.defaultExpr()).append(") STORED");
        } else if (a.defaultExpr() != null) {
            d.append(" DEFAULT ").append(a.defaultExpr());
        }
        if (a.notNull()) {
            d.append(" NOT NULL");
        }
        if (a.identity() != null) {
            d.append(" GENERATED ").append("a".equals(a.identity()) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
        }
        return d.toString();
    }

    private static String describeDefault(SourceColumn a) {
        if (a.identity() != null) {
            return "an identity column";
        }
        return a.defaultExpr() == null ? "a rewrite" : "default " + a.defaultExpr();
    }

    private static String flags(SourceColumn c) {
        String identity = c.identity() == null ? "" : "a".equals(c.identity()) ? "GENERATED ALWAYS AS IDENTITY"
                : "GENERATED BY DEFAULT AS IDENTITY";
        String generated = c.generated() == null ? "" : "GENERATED ALWAYS AS (" + c.defaultExpr() + ") STORED";
        String both = (identity + " " + generated).trim();
        return both.isEmpty() ? "plain" : both;
    }

    private static String identityName(String code) {
        return switch (code) {
            case "f" -> "FULL";
            case "i" -> "USING INDEX";
            case "n" -> "NOTHING";
            default -> "DEFAULT";
        };
    }

    /**
     * A string constant in escape-string syntax, read the same whatever standard_conforming_strings is: the source's text
     * form of a value (DDL takes no bind parameters).
     */
    public static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static final class Plan {
        final List<String> change = new ArrayList<>();
        final List<String> statements = new ArrayList<>();
        final List<SchemaChangePlan.RowsCheck> checks = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();
        /** Fixes the statements rely on (renames) and fixes that rely on them (a primary key on a new column). */
        final List<String> fixBefore = new ArrayList<>();
        final List<String> fixAfter = new ArrayList<>();
        /** A column added or retyped: what a rewrite of the command was for. */
        boolean rewriteExplained;

        void refuse(String why) {
            refusals.add(why);
        }

        void fixBefore(String step) {
            fixBefore.add(step);
        }

        void fixAfter(String step) {
            fixAfter.add(step);
        }

        boolean refused() {
            return !refusals.isEmpty();
        }

        SchemaChangePlan done() {
            List<String> fix = new ArrayList<>();
            if (refused()) {
                fix.addAll(fixBefore);
                fix.addAll(statements);
                fix.addAll(fixAfter);
            }
            return new SchemaChangePlan(change, statements, checks, refusals, fix);
        }
    }
}
