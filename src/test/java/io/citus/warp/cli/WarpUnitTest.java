package io.citus.warp.cli;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.preflight.ColumnDiff;
import io.citus.warp.preflight.ColumnDiff.Compatibility;
import io.citus.warp.preflight.Finding;
import io.citus.warp.schema.DdlGenerator;
import io.citus.warp.schema.TableDefinition;
import io.citus.warp.schema.TableDefinition.Column;
import io.citus.warp.schema.TableDefinition.Constraint;
import io.citus.warp.schema.UserType;
import io.citus.warp.status.MigrationStatus.TableSnapshot;
import io.citus.warp.status.Verdict;
import io.citus.warp.verify.ChunkPlanner;
import io.citus.warp.verify.KeyRange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure logic of the warp command: DDL text, chunk plans, verdicts, type compatibility, option parsing and exit codes. */
@Tag("unit")
class WarpUnitTest {

    private static Column col(String name, String type, boolean notNull) {
        return new Column(name, type, notNull, null, false, (char) 0, null, null);
    }

    @Test
    void ddlRecreatesColumnsDefaultsIdentityGeneratedAndPrimaryKey() {
        TableDefinition t = new TableDefinition(new TableName("sales", "Orders"), List.of(
                new Column("id", "bigint", true, "nextval('sales.\"Orders_id_seq\"'::regclass)", true, (char) 0, null, null),
                new Column("ext", "integer", true, null, false, 'a', null, null),
                new Column("status", "sales.order_status", true, "'new'::sales.order_status", false, (char) 0, null, null),
                new Column("amount", "numeric(10,2)", false, null, false, (char) 0, null, null),
                new Column("amount_x2", "numeric", false, null, false, (char) 0, "(amount * (2)::numeric)", null),
                new Column("name", "text", false, null, false, (char) 0, null, "pg_catalog.\"C\"")),
                List.of(new Constraint("Orders_pkey", 'p', "PRIMARY KEY (id)", List.of("id")),
                        new Constraint("amount_positive", 'c', "CHECK ((amount > (0)::numeric))", List.of("amount"))),
                List.of("CREATE INDEX orders_name ON sales.\"Orders\" USING btree (name)"), 'd');
        UserType status = new UserType("sales", "order_status", 'e', List.of("new", "paid", "it's shipped"), null, false, null, List.of());
        List<String> ddl = DdlGenerator.statements(List.of(status), List.of(t));
        assertEquals("CREATE SCHEMA IF NOT EXISTS \"sales\"", ddl.get(0));
        assertEquals("DO $warp$ BEGIN CREATE TYPE \"sales\".\"order_status\" AS ENUM ('new', 'paid', 'it''s shipped');"
                + " EXCEPTION WHEN duplicate_object THEN NULL; END $warp$", ddl.get(1));
        assertEquals("CREATE TABLE IF NOT EXISTS \"sales\".\"Orders\" (\n"
                + "    \"id\" bigserial NOT NULL,\n"
                + "    \"ext\" integer GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
                + "    \"status\" sales.order_status DEFAULT 'new'::sales.order_status NOT NULL,\n"
                + "    \"amount\" numeric(10,2),\n"
                + "    \"amount_x2\" numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) STORED,\n"
                + "    \"name\" text COLLATE pg_catalog.\"C\",\n"
                + "    CONSTRAINT \"Orders_pkey\" PRIMARY KEY (id),\n"
                + "    CONSTRAINT \"amount_positive\" CHECK ((amount > (0)::numeric))\n"
                + ")", ddl.get(2));
        assertEquals("CREATE INDEX IF NOT EXISTS orders_name ON sales.\"Orders\" USING btree (name)", ddl.get(3));
        assertEquals(4, ddl.size());
    }

    @Test
    void domainDdlCarriesBaseTypeDefaultNotNullAndChecks() {
        UserType d = new UserType("public", "email", 'd', List.of(), "text", true, "'x@y'::text",
                List.of("CONSTRAINT \"has_at\" CHECK ((VALUE ~~ '%@%'::text))"));
        String ddl = DdlGenerator.statements(List.of(d), List.of()).get(0);
        assertTrue(ddl.contains("CREATE DOMAIN \"public\".\"email\" AS text DEFAULT 'x@y'::text NOT NULL CONSTRAINT \"has_at\" CHECK"), ddl);
    }

    @Test
    void citusDistributionExtendsThePrimaryKeyOnlyWhenItLacksTheColumn() {
        TableName orders = TableName.parse("public.orders");
        assertEquals(List.of(
                "ALTER TABLE \"public\".\"orders\" DROP CONSTRAINT \"orders_pkey\", ADD CONSTRAINT \"orders_pkey\" PRIMARY KEY (\"id\", \"tenant_id\")",
                "SELECT create_distributed_table('\"public\".\"orders\"', 'tenant_id')"),
                DdlGenerator.distribute(orders, "tenant_id", "orders_pkey", List.of("id")));
        assertEquals(List.of("SELECT create_distributed_table('\"public\".\"orders\"', 'tenant_id')"),
                DdlGenerator.distribute(orders, "tenant_id", "orders_pkey", List.of("tenant_id", "id")));
        assertEquals("SELECT create_reference_table('\"public\".\"countries\"')", DdlGenerator.reference(TableName.parse("countries")));
    }

    @Test
    void chunksCoverTheWholeKeySpaceWithOpenEnds() {
        List<KeyRange> ranges = ChunkPlanner.ranges(List.of(List.of("100"), List.of("200")));
        assertEquals(3, ranges.size());
        assertEquals("(-inf, 100)", ranges.get(0).toString());
        assertEquals("[100, 200)", ranges.get(1).toString());
        assertEquals("[200, +inf)", ranges.get(2).toString());
        assertEquals("\"id\" < ?::bigint", ranges.get(0).condition(List.of("\"id\""), List.of("bigint")));
        assertEquals("\"id\" >= ?::bigint AND \"id\" < ?::bigint", ranges.get(1).condition(List.of("\"id\""), List.of("bigint")));
        assertEquals(List.of("100", "200"), ranges.get(1).parameters());
        assertEquals("true", ChunkPlanner.ranges(List.of()).get(0).condition(List.of("\"id\""), List.of("int")));

        KeyRange composite = new KeyRange(List.of("1", "a"), List.of("2", "b"));
        assertEquals("(\"t\", \"k\" COLLATE \"C\") >= (?::integer, ?::text) AND (\"t\", \"k\" COLLATE \"C\") < (?::integer, ?::text)",
                composite.condition(List.of("\"t\"", "\"k\" COLLATE \"C\""), List.of("integer", "text")));
        assertEquals("[(1, a), (2, b))", composite.toString());
        assertTrue(ChunkPlanner.boundaryQuery("\"public\".\"t\"", List.of("\"id\""), List.of("\"id\""), 500)
                .endsWith("WHERE rn > 1 AND (rn - 1) % 500 = 0 ORDER BY rn"));
    }

    @Test
    void verdictFollowsConnectorsSnapshotAndLag() {
        assertEquals(Verdict.NOT_DEPLOYED, Verdict.decide(false, false, false, false, -1));
        assertEquals(Verdict.FAILED, Verdict.decide(true, true, true, true, 0));
        assertEquals(Verdict.SNAPSHOTTING, Verdict.decide(true, false, true, true, 0));
        assertEquals(Verdict.SNAPSHOTTING, Verdict.decide(true, false, false, false, 12));
        assertEquals(Verdict.CATCHING_UP, Verdict.decide(true, false, false, true, 12));
        assertEquals(Verdict.CATCHING_UP, Verdict.decide(true, false, false, true, -1), "unknown lag is not caught up");
        assertEquals(Verdict.CAUGHT_UP, Verdict.decide(true, false, false, true, 0));
        assertEquals("CAUGHT UP", Verdict.CAUGHT_UP.label());
        assertEquals(0.5, new TableSnapshot("t", 50, 100, false).fraction());
        assertEquals(1.0, new TableSnapshot("t", 50, 100, true).fraction());
        assertEquals(0.99, new TableSnapshot("t", 150, 100, false).fraction(), "an estimate never shows 100% before completion");
    }

    @Test
    void typeCompatibilityAndColumnDiff() {
        assertEquals(Compatibility.SAME, ColumnDiff.compatibility("integer", "integer"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("integer", "bigint"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("bigint", "integer"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("character varying(10)", "text"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("character varying(10)", "character varying(5)"));
        assertEquals(Compatibility.WIDER, ColumnDiff.compatibility("numeric(10,2)", "numeric(12,2)"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("numeric(10,2)", "numeric(10,3)"));
        assertEquals(Compatibility.INCOMPATIBLE, ColumnDiff.compatibility("text", "integer"));

        TableName n = TableName.parse("t");
        TableDefinition source = new TableDefinition(n, List.of(col("id", "integer", true), col("v", "text", false),
                col("gone", "date", false)), List.of(), List.of(), 'd');
        TableDefinition target = new TableDefinition(n, List.of(col("id", "bigint", true), col("v", "integer", false),
                col("extra", "text", true)), List.of(), List.of(), 'd');
        List<Finding> diff = ColumnDiff.compare(source, target);
        assertEquals(List.of(Finding.Level.WARN, Finding.Level.BLOCKER, Finding.Level.BLOCKER, Finding.Level.BLOCKER),
                diff.stream().map(Finding::level).toList(), diff.toString());
        assertTrue(diff.get(1).detail().contains("column v: source text, target integer"), diff.get(1).detail());
        assertTrue(diff.get(2).detail().contains("gone"), diff.get(2).detail());
        assertTrue(diff.get(3).detail().contains("extra target column extra is NOT NULL"), diff.get(3).detail());
    }

    @Test
    void databaseUrlsInBothFormsAndRedaction() {
        PgEndpoint jdbc = PgEndpoint.parse("jdbc:postgresql://db.example:6432/app?user=warp&password=s%40cret&sslmode=require");
        assertEquals("db.example", jdbc.host());
        assertEquals(6432, jdbc.port());
        assertEquals("app", jdbc.database());
        assertEquals("warp", jdbc.user());
        assertEquals("s@cret", jdbc.password());
        assertEquals("jdbc:postgresql://db.example:6432/app?sslmode=require", jdbc.jdbcUrl(), "no credentials in the JDBC URL");
        PgEndpoint libpq = PgEndpoint.parse("postgres://alice:pw@10.0.0.5/shop");
        assertEquals(5432, libpq.port());
        assertEquals("alice", libpq.user());
        assertEquals("pw", libpq.password());
        assertEquals("postgres://alice:***@h/db", PgEndpoint.redact("postgres://alice:pw@h/db"));
        assertEquals(new TableName("s", "t.x"), TableName.parse("s.\"t.x\""));
        assertEquals(List.of(new TableName("public", "a"), new TableName("b", "c")), TableName.parseList("a, b.c,"));
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void usageErrorsExitTwoAndHelpDocumentsExitCodes() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "check", "--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "verify", "--target", "jdbc:postgresql://h/db"), "missing --source");
        assertTrue(err.toString().contains("--source is required"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "check", "--source", "mysql://h/db", "--target", "jdbc:postgresql://h/db"));
        assertTrue(err.toString().contains("not a PostgreSQL URL"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "status", "--name", "Bad Name!", "--source", "jdbc:postgresql://h/db",
                "--target", "jdbc:postgresql://h/db"));
        assertTrue(err.toString().contains("--name must be"), err.toString());

        out = new StringWriter();
        assertEquals(Warp.OK, run(out, new StringWriter(), "cutover", "--help"));
        assertTrue(out.toString().contains("Exit codes:"), out.toString());
        assertTrue(out.toString().contains("runtime failure"), out.toString());
        assertTrue(out.toString().contains("--terminate-sessions"), out.toString());

        out = new StringWriter();
        assertEquals(Warp.OK, run(out, new StringWriter(), "--help"));
        for (String command : List.of("check", "schema", "start", "status", "verify", "cutover", "finish", "migrate", "demo")) {
            assertTrue(out.toString().contains(command), command + " listed in " + out);
        }
    }

    @Test
    void unreachableServerIsARuntimeFailure() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "verify", "--source", "jdbc:postgresql://127.0.0.1:1/db?connectTimeout=2",
                "--target", "jdbc:postgresql://127.0.0.1:1/db", "--tables", "public.t");
        assertEquals(Warp.FAILURE, code, err.toString());
        assertTrue(err.toString().startsWith("warp verify: "), err.toString());
    }

    @Test
    void configFileFillsOptionsAndFlagsWin(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("warp.properties");
        java.nio.file.Files.writeString(file, "source=jdbc:postgresql://src:5432/app?user=u\ntarget=postgres://t:p@dst/app\n"
                + "tables=public.a,public.b\nname=fromfile\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "start", "--config", file.toString(), "--name", "fromflag", "--print", "--secrets-file", "/s.properties");
        assertEquals(Warp.OK, code, err.toString());
        String json = out.toString();
        assertTrue(json.contains("\"warp-fromflag-source\""), json);
        assertTrue(json.contains("\"database.hostname\" : \"src\""), json);
        assertTrue(json.contains("\"table.include.list\" : \"(?-i)public\\\\.a,(?-i)public\\\\.b\""), json);
        assertTrue(json.contains("\"slot.name\" : \"warp_fromflag\""), json);
        assertTrue(json.contains("\"topics\" : \"warp-fromflag.changes\""), json);
        assertTrue(json.contains("${file:/s.properties:target.password}"), json);
        assertFalse(json.contains("\"p\""), "no password in the rendered config");
    }

    /** warp check's summary line counts the BLOCKER and WARN rows it printed, a detail spanning lines or not. */
    @Test
    void checkSummaryCountsThePrintedRows() {
        List<Finding> findings = List.of(Finding.ok("source", "a", "fine"), Finding.blocker("source", "b", "no"),
                Finding.warn("schema", "c", "careful"), Finding.blocker("schema", "d", "also no"), Finding.warn("target", "e", "hm"),
                Finding.warn("schema", "f", "three"));
        StringWriter text = new StringWriter();
        Output.findings(new PrintWriter(text, true), findings);
        List<String> lines = text.toString().lines().toList();
        long blockers = lines.stream().filter(l -> l.startsWith("BLOCKER ")).count();
        long warnings = lines.stream().filter(l -> l.startsWith("WARN ")).count();
        assertEquals(2, blockers);
        assertEquals(3, warnings);
        assertTrue(text.toString().contains(blockers + " blocker(s), " + warnings + " warning(s)"), text.toString());
    }

    /** A partitioned table comes with its partitions, its indexes after them (recursing), its foreign keys apart. */
    @Test
    void ddlForPartitionsAndForeignKeys() {
        TableName events = new TableName("app", "events");
        TableName y2025 = new TableName("app", "events_2025");
        TableDefinition t = new TableDefinition(events, List.of(col("id", "bigint", true), col("at", "date", true)),
                List.of(new Constraint("events_pkey", 'p', "PRIMARY KEY (id, at)", List.of("id", "at"))),
                List.of("CREATE INDEX events_at ON ONLY app.events USING btree (at)"), 'd',
                new TableDefinition.Partitioning("RANGE (at)", List.of(
                        new TableDefinition.Partition(y2025, events, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", "RANGE (at)"),
                        new TableDefinition.Partition(new TableName("app", "events_2025_h1"), y2025,
                                "FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')", null),
                        new TableDefinition.Partition(new TableName("app", "events rest"), events, "DEFAULT", null))));
        List<String> ddl = DdlGenerator.statements(List.of(), List.of(t));
        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"app\"",
                DdlGenerator.createTable(t),
                "CREATE TABLE IF NOT EXISTS \"app\".\"events_2025\" PARTITION OF \"app\".\"events\" FOR VALUES FROM ('2025-01-01')"
                        + " TO ('2026-01-01') PARTITION BY RANGE (at)",
                "CREATE TABLE IF NOT EXISTS \"app\".\"events_2025_h1\" PARTITION OF \"app\".\"events_2025\" FOR VALUES FROM"
                        + " ('2025-01-01') TO ('2025-07-01')",
                "CREATE TABLE IF NOT EXISTS \"app\".\"events rest\" PARTITION OF \"app\".\"events\" DEFAULT",
                "CREATE INDEX IF NOT EXISTS events_at ON app.events USING btree (at)"), ddl);
        assertTrue(DdlGenerator.createTable(t).endsWith(") PARTITION BY RANGE (at)"), DdlGenerator.createTable(t));

        List<String> keys = DdlGenerator.foreignKeys(List.of(new io.citus.warp.schema.CatalogReader.ForeignKey(
                new TableName("app", "Orders"), "orders_fk", new TableName("app", "customers"), "FOREIGN KEY (c) REFERENCES app.customers(id)",
                true)));
        assertEquals(1, keys.size());
        assertTrue(keys.get(0).contains("ALTER TABLE \"app\".\"Orders\" ADD CONSTRAINT \"orders_fk\" FOREIGN KEY (c) REFERENCES"
                + " app.customers(id); EXCEPTION WHEN duplicate_object THEN NULL;"), keys.get(0));
    }
}
