package io.citus.warp.testing;

import io.citus.warp.common.TableName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source-schema feature of the schema model ({@link SchemaModel}): the objects a user's database has, the rows in
 * them, the changes the application makes while Warp streams, and what must come out of it — the tables EQUAL on the
 * target (rows and columns), or {@code warp check} refusing them before anything starts, naming the table, the feature
 * and the way out.
 *
 * <p>Every case keeps its objects in schemas of its own ({@link #schemas}), so cases never see each other's tables and
 * a shared target (a Citus cluster's one database) can be cleaned by dropping them. The source SQL runs as the
 * application's role (the tables' owner, no superuser, with REPLICATION), which is also the role warp connects as;
 * {@link #setup} runs as a superuser first, for what only a superuser may do.
 */
public final class SchemaCase {
    /** What the model expects. */
    public enum Outcome { EQUAL, REFUSED }

    /** A finding {@code warp check} must print for this case: its level, and text its check or detail must hold. */
    public record Expected(String level, List<String> fragments) {
    }

    private final String name;
    private final List<String> schemas = new ArrayList<>();
    private final List<String> setup = new ArrayList<>();
    private final List<String> source = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();
    private final List<TableName> tables = new ArrayList<>();
    private final Map<TableName, String> distribute = new LinkedHashMap<>();
    private final List<TableName> reference = new ArrayList<>();
    private final List<Expected> reported = new ArrayList<>();
    private Outcome outcome = Outcome.EQUAL;
    private final List<Expected> refusedOnCitus = new ArrayList<>();
    private final List<Expected> refusedWithDebeziumSnapshot = new ArrayList<>();

    private SchemaCase(String name) {
        this.name = name;
    }

    /** A case named for the feature it covers (the name shows in failure messages and the docs). */
    public static SchemaCase of(String name) {
        return new SchemaCase(name);
    }

    /** Schemas the case creates (on the source, and on the target through warp schema); dropped on a shared target. */
    public SchemaCase schemas(String... names) {
        schemas.addAll(List.of(names));
        return this;
    }

    /** SQL run on the source as a superuser before {@link #source} (roles, settings only a superuser may change). */
    public SchemaCase setup(String... statements) {
        setup.addAll(List.of(statements));
        return this;
    }

    /** SQL run on the source as the application's role before the migration: tables and their rows. */
    public SchemaCase source(String... statements) {
        source.addAll(List.of(statements));
        return this;
    }

    /**
     * SQL run on the source as the application's role while Warp streams, one script per element (a script may be a
     * whole {@code BEGIN; ...; COMMIT}).
     */
    public SchemaCase changes(String... scripts) {
        changes.addAll(List.of(scripts));
        return this;
    }

    /** The tables migrated ({@code --tables}), as schema and name without quotes. */
    public SchemaCase table(String schema, String table) {
        tables.add(new TableName(schema, table));
        return this;
    }

    /** On Citus: distribute {@code schema.table} by {@code column} (warp schema --distribute). */
    public SchemaCase distribute(String schema, String table, String column) {
        distribute.put(new TableName(schema, table), column);
        return this;
    }

    /** On Citus: make {@code schema.table} a reference table (warp schema --reference). */
    public SchemaCase reference(String schema, String table) {
        reference.add(new TableName(schema, table));
        return this;
    }

    /** {@code warp check} must print a finding of {@code level} (OK, WARN, BLOCKER) holding every fragment. */
    public SchemaCase reports(String level, String... fragments) {
        reported.add(new Expected(level, List.of(fragments)));
        return this;
    }

    /**
     * The case is refused: {@code warp check} on its tables prints a BLOCKER holding every fragment (name the table,
     * the feature and the way out), and the case takes no part in the migration.
     */
    public SchemaCase refusedBy(String... fragments) {
        outcome = Outcome.REFUSED;
        reported.add(new Expected("BLOCKER", List.of(fragments)));
        return this;
    }

    /**
     * EQUAL into plain PostgreSQL, but refused into Citus: {@code warp check} against a Citus target prints a BLOCKER
     * holding every fragment.
     */
    public SchemaCase refusedOnCitusBy(String... fragments) {
        refusedOnCitus.add(new Expected("BLOCKER", List.of(fragments)));
        return this;
    }

    /**
     * EQUAL through the base copy, but refused with {@code --initial-load=debezium}: {@code warp check --initial-load
     * debezium} prints a BLOCKER holding every fragment.
     */
    public SchemaCase refusedWithDebeziumSnapshotBy(String... fragments) {
        refusedWithDebeziumSnapshot.add(new Expected("BLOCKER", List.of(fragments)));
        return this;
    }

    /** The outcome into this kind of target through this initial load. */
    public Outcome outcome(boolean citus, boolean debeziumSnapshot) {
        return outcome == Outcome.EQUAL && reportedWhen(citus, debeziumSnapshot) == reported ? Outcome.EQUAL : Outcome.REFUSED;
    }

    /** The findings {@code warp check} must print into this kind of target, for this initial load. */
    public List<Expected> reportedWhen(boolean citus, boolean debeziumSnapshot) {
        if (citus && !refusedOnCitus.isEmpty()) {
            return refusedOnCitus;
        }
        if (debeziumSnapshot && !refusedWithDebeziumSnapshot.isEmpty()) {
            return refusedWithDebeziumSnapshot;
        }
        return reported;
    }

    public String name() {
        return name;
    }

    public List<String> schemas() {
        return schemas;
    }

    public List<String> setup() {
        return setup;
    }

    public List<String> source() {
        return source;
    }

    public List<String> changes() {
        return changes;
    }

    public List<TableName> tables() {
        return tables;
    }

    public Map<TableName, String> distribute() {
        return distribute;
    }

    public List<TableName> reference() {
        return reference;
    }

    @Override
    public String toString() {
        return name;
    }
}
