package io.citus.warp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.common.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The schema model: source-schema cases ({@link SchemaCase}) run through the {@code warp} commands a user runs —
 * {@code check}, {@code schema}, {@code start} (the base copy, or {@code --initial-load=debezium}), {@code status}
 * until CAUGHT UP, the application's changes while streaming, {@code status} until CAUGHT UP again, {@code verify},
 * {@code finish} — into a plain PostgreSQL target or a Citus cluster, each accepted case then compared table by table
 * with the source (column set, and row by row in every column's text form), each refused case checked to be refused by
 * {@code warp check} before anything starts.
 *
 * <p>Cases share one migration (one slot, one pair of connectors, one topic) per run: a run costs about as much with
 * twenty cases as with one. Warp connects to the source as the application's role ({@value #OWNER}: owns the tables,
 * has REPLICATION, is no superuser), as many production databases are run.
 */
public final class SchemaModel {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A liveness bound, not a speed check: a starved 2-core machine can take minutes to start Debezium. */
    private static final Duration WAIT = Duration.ofSeconds(900);

    /** The application's role on the source: owner of every case's tables, REPLICATION, no superuser. */
    public static final String OWNER = "warp_app_owner";

    /** How the existing rows reach the target: {@code warp start --initial-load}. */
    public enum InitialLoad {
        BASE_COPY("base-copy"),
        /** The base copy run inside Connect by the base-copy connector (warp start deploys it with the other two). */
        CONNECTOR("connector"),
        DEBEZIUM("debezium");

        private final String option;

        InitialLoad(String option) {
            this.option = option;
        }
    }

    private final TestEnvironment env;
    private final CitusCluster citus;

    /** @param citus the target cluster, or null for a fresh database on the environment's target server */
    public SchemaModel(TestEnvironment env, CitusCluster citus) {
        this.env = env;
        this.citus = citus;
    }

    /** A migration whose source database holds every case's objects and rows, created as {@link #OWNER}. */
    public Migration prepare(String label, List<SchemaCase> cases) throws SQLException {
        Migration m = citus == null ? new Migration(env, label) : new Migration(env, label, citus);
        try (Connection su = m.source(); Statement s = su.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + OWNER + " LOGIN REPLICATION NOSUPERUSER NOBYPASSRLS;"
                    + " EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("GRANT CREATE ON DATABASE " + ident(m.sourceDatabase()) + " TO " + OWNER);
        }
        dropTargetSchemas(m, cases);
        for (SchemaCase c : cases) {
            try {
                run(m.source(), c.setup());
                run(owner(m), c.source());
            } catch (SQLException e) {
                throw new IllegalStateException("schema case '" + c.name() + "': its source SQL failed: " + e.getMessage(), e);
            }
        }
        return m;
    }

    /**
     * Every refused case: {@code warp check} on its tables (the target's missing tables counted as to be created) exits
     * with findings and prints a BLOCKER naming the table, the feature and the way out.
     */
    public List<String> refusals(Migration m, List<SchemaCase> cases) {
        List<String> failures = new ArrayList<>();
        for (InitialLoad load : InitialLoad.values()) {
            if (load == InitialLoad.CONNECTOR) {
                continue; // check asks the same of the base copy wherever it runs
            }
            for (SchemaCase c : cases) {
                if (c.outcome(citus != null, load == InitialLoad.DEBEZIUM) != SchemaCase.Outcome.REFUSED) {
                    continue;
                }
                WarpCommand check = warp(m, "check", "--tables", tables(List.of(c)), "--schema-will-be-created",
                        "--initial-load", load.option, "--json");
                if (check.code() != 1) {
                    failures.add(c.name() + " (" + load.option + "): warp check should refuse it (exit 1): " + check.describe());
                    continue;
                }
                failures.addAll(missingFindings(c, findings(check), load));
            }
        }
        return failures;
    }

    /**
     * The migration of every accepted case, start to finish, through the warp commands; returns what differs (empty
     * when every case ends EQUAL and check reported what each case expects). A step that fails (a command's exit code)
     * fails at once with its output.
     */
    public List<String> migrate(Migration m, InitialLoad load, List<SchemaCase> all) throws Exception {
        List<SchemaCase> cases = all.stream()
                .filter(c -> c.outcome(citus != null, load == InitialLoad.DEBEZIUM) == SchemaCase.Outcome.EQUAL).toList();
        String tables = tables(cases);
        List<String> schema = new ArrayList<>(List.of("schema", "--tables", tables));
        if (citus != null) {
            for (SchemaCase c : cases) {
                c.distribute().forEach((t, column) -> schema.addAll(List.of("--distribute", t.quoted() + ":" + column)));
                c.reference().forEach(t -> schema.addAll(List.of("--reference", t.quoted())));
            }
        }
        step(m, schema.toArray(String[]::new));

        List<String> failures = new ArrayList<>();
        WarpCommand check = warp(m, "check", "--tables", tables, "--initial-load", load.option, "--json");
        JsonNode findings = findings(check);
        for (JsonNode f : findings) {
            if ("BLOCKER".equals(f.path("level").asText())) {
                failures.add("warp check found a blocker for accepted cases: " + f);
            }
        }
        for (SchemaCase c : cases) {
            failures.addAll(missingFindings(c, findings, load));
        }

        // Small ranges: every table of more than a few thousand rows is copied in ranges committed in parallel.
        step(m, "start", "--tables", tables, "--initial-load", load.option, "--copy-range-rows", "2000");
        awaitCaughtUp(m, tables, "after the initial load");
        for (SchemaCase c : cases) {
            for (String script : c.changes()) {
                try (Connection app = owner(m); Statement s = app.createStatement()) {
                    s.execute(script);
                } catch (SQLException e) {
                    throw new IllegalStateException("schema case '" + c.name() + "': a change failed on the source: " + e.getMessage(), e);
                }
            }
        }
        awaitCaughtUp(m, tables, "after the changes");

        for (SchemaCase c : cases) {
            for (TableName t : c.tables()) {
                String problem = compare(m, t);
                if (problem != null) {
                    failures.add(c.name() + ": " + problem);
                }
            }
        }
        WarpCommand verify = warp(m, "verify", "--tables", tables);
        if (verify.code() != 0) {
            failures.add("warp verify: " + verify.describe());
        }
        // --force: a heartbeat may have arrived since the last status; the comparison above is what counts.
        step(m, "finish", "--tables", tables, "--delete-topics", "--force");
        return failures;
    }

    /** Drops the cases' schemas on a shared target (a Citus cluster's one database); nothing to do on a fresh database. */
    public void dropTargetSchemas(Migration m, List<SchemaCase> cases) throws SQLException {
        if (citus == null) {
            return;
        }
        List<String> drops = new ArrayList<>();
        for (SchemaCase c : cases) {
            c.schemas().forEach(s -> drops.add("DROP SCHEMA IF EXISTS " + ident(s) + " CASCADE"));
        }
        m.targetSql(drops.toArray(String[]::new));
    }

    /** The source table's columns (name and type, in order) and rows (by primary key, every column as text) on the target. */
    private static String compare(Migration m, TableName t) throws SQLException {
        try (Connection src = m.source(); Connection dst = m.target()) {
            List<String> sourceColumns = columns(src, t);
            List<String> targetColumns = columns(dst, t);
            if (targetColumns.isEmpty()) {
                return t.quoted() + " is missing on the target";
            }
            if (!sourceColumns.equals(targetColumns)) {
                return t.quoted() + ": columns differ: source " + sourceColumns + ", target " + targetColumns;
            }
            List<String> sourceShape = partitioning(src, t);
            List<String> targetShape = partitioning(dst, t);
            if (!sourceShape.equals(targetShape)) {
                return t.quoted() + ": partitioning differs: source " + sourceShape + ", target " + targetShape;
            }
            List<String> key = primaryKey(src, t);
            RowDiff.Result diff = RowDiff.compare(src, dst, t.quoted(), key);
            return diff.equal() ? null : diff.describe();
        }
    }

    private static List<String> columns(Connection c, TableName t) throws SQLException {
        return strings(c, "SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum", t);
    }

    /** The partition key and every partition below the table with its bound (empty for a table that is not partitioned). */
    private static List<String> partitioning(Connection c, TableName t) throws SQLException {
        return strings(c, "WITH RECURSIVE tree AS (SELECT to_regclass(?)::oid AS oid"
                + " UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid"
                + " JOIN pg_class p ON p.oid = i.inhrelid WHERE p.relispartition)"
                + " SELECT c.relname || ' ' || coalesce(pg_get_partkeydef(c.oid), '') || ' ' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')"
                + " FROM tree JOIN pg_class c ON c.oid = tree.oid WHERE c.relkind = 'p' OR c.relispartition ORDER BY 1", t);
    }

    private static List<String> primaryKey(Connection c, TableName t) throws SQLException {
        List<String> out = strings(c, "SELECT quote_ident(a.attname) FROM pg_index i"
                + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.ord", t);
        if (out.isEmpty()) {
            throw new IllegalStateException(t.quoted() + " has no primary key on the source: the model compares rows by key");
        }
        return out;
    }

    /** The first column of every row of a catalog query whose one parameter is the table's quoted name. */
    private static List<String> strings(Connection c, String sql, TableName t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Polls {@code warp status} until it exits 0 (CAUGHT UP); a FAILED verdict (exit 3) fails at once with its output. */
    private void awaitCaughtUp(Migration m, String tables, String when) {
        WarpCommand[] last = new WarpCommand[1];
        Eventually.await(WAIT, "warp status CAUGHT UP " + when, () -> {
            last[0] = warp(m, "status", "--tables", tables);
            if (last[0].code() == 3) {
                throw new AssertionError("warp status " + when + ": " + last[0].describe());
            }
            return last[0].code() == 0;
        }, Boolean.TRUE::equals);
        LOG.info("schema model {}: caught up {}:\n{}", m.id(), when, last[0].out());
        // Every table of the model existed at the start: none may be named as created after it (names with dots, quotes
        // and commas must read back as they were recorded).
        if (last[0].out().contains("created after the start")) {
            throw new AssertionError("warp status " + when + " names a migrated table as created after the start: " + last[0].out());
        }
    }

    private List<String> missingFindings(SchemaCase c, JsonNode findings, InitialLoad load) {
        List<String> missing = new ArrayList<>();
        for (SchemaCase.Expected e : c.reportedWhen(citus != null, load == InitialLoad.DEBEZIUM)) {
            boolean found = false;
            for (JsonNode f : findings) {
                String text = f.path("check").asText() + " " + f.path("detail").asText();
                if (e.level().equals(f.path("level").asText()) && e.fragments().stream().allMatch(text::contains)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(c.name() + ": warp check printed no " + e.level() + " with " + e.fragments() + "; it printed:\n"
                        + findingsText(findings));
            }
        }
        return missing;
    }

    private static String findingsText(JsonNode findings) {
        StringBuilder s = new StringBuilder();
        for (JsonNode f : findings) {
            s.append("  ").append(f.path("level").asText()).append("  ").append(f.path("check").asText()).append("  ")
                    .append(f.path("detail").asText()).append('\n');
        }
        return s.toString();
    }

    private static JsonNode findings(WarpCommand check) {
        try {
            return JSON.readTree(check.out()).path("findings");
        } catch (Exception e) {
            throw new AssertionError("warp check --json printed no JSON: " + check.describe(), e);
        }
    }

    /** Runs a warp command that must succeed. */
    private WarpCommand step(Migration m, String... args) {
        WarpCommand run = warp(m, args);
        LOG.info("schema model {}: warp {} -> exit {}\n{}{}", m.id(), args[0], run.code(), run.out(), run.err());
        assertEquals(0, run.code(), () -> "warp " + String.join(" ", args) + ": " + run.describe());
        return run;
    }

    /** {@code warp <command>} against the migration's databases (the source as {@link #OWNER}) and the shared Connect and Kafka. */
    private WarpCommand warp(Migration m, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of(
                "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + OWNER,
                "--target", citus != null ? citus.jdbcUrl() + "?user=" + citus.user()
                        : env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(),
                "--name", m.id().replace('_', '-'),
                "--connect-url", env.connect().baseUrl().toString(),
                "--bootstrap-servers", env.bootstrapServers(),
                "--secrets-file", env.secretsFile().toString()));
        return WarpCommand.run(a.toArray(String[]::new));
    }

    /** The cases' tables as {@code --tables} takes them: quoted, comma separated. */
    public static String tables(List<SchemaCase> cases) {
        return cases.stream().flatMap(c -> c.tables().stream()).map(TableName::quoted).collect(Collectors.joining(","));
    }

    private Connection owner(Migration m) throws SQLException {
        return DriverManager.getConnection(env.source().jdbcUrl(m.sourceDatabase()), OWNER, "");
    }

    private static void run(Connection connection, List<String> statements) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Cases by name, for a test that runs one alone. */
    public static Map<String, SchemaCase> byName(List<SchemaCase> cases) {
        return cases.stream().collect(Collectors.toMap(SchemaCase::name, c -> c));
    }
}
