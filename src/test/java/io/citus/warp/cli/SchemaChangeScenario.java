package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schema changes made on the source during a migration started with {@code warp start}, each while a load writes to the
 * changed table and to another one in the same transactions, on plain PostgreSQL or Citus: the ones the sink makes end with
 * the target equal to the source (rows, old rows' values of new columns, column set, types, defaults, nullability); the
 * others stop the sink before anything of their transaction, with a message whose DDL, run on the target as it stands,
 * lets a task restart go on to the same equality. Also a sink restart between a change and the rows that use it, a
 * change the target already has, a table created after the start, and finish removing the capture.
 */
final class SchemaChangeScenario {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaChangeScenario.class);
    private static final Duration WAIT = Duration.ofSeconds(180);

    private final TestEnvironment env;
    private final Migration m;
    private final CitusCluster citus;
    private final String s;
    private final String items;
    private final String ledger;
    private final String sink;
    private final AtomicLong ids = new AtomicLong(1_000);
    private final AtomicLong ledgerIds = new AtomicLong(1_000);

    SchemaChangeScenario(TestEnvironment env, Migration m, CitusCluster citus) {
        this.env = env;
        this.m = m;
        this.citus = citus;
        this.s = m.id();
        this.items = s + ".items";
        this.ledger = s + ".ledger";
        this.sink = "warp-" + s.replace('_', '-') + "-sink";
    }

    private String[] warpArgs(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command,
                "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                "--target", (citus != null ? citus.jdbcUrl() + "?user=" + citus.user()
                        : env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user()),
                "--name", s.replace('_', '-'),
                "--connect-url", env.connect().baseUrl().toString(),
                "--bootstrap-servers", env.bootstrapServers(),
                "--secrets-file", env.secretsFile().toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    void run() throws Exception {
        m.sourceSql("CREATE SCHEMA " + s,
                "CREATE TABLE " + items + " (tenant int NOT NULL, id bigint NOT NULL, qty int NOT NULL, name varchar(10),"
                        + " amount numeric(10,2), PRIMARY KEY (tenant, id))",
                "CREATE TABLE " + ledger + " (tenant int NOT NULL, id bigint NOT NULL, item bigint NOT NULL, delta int,"
                        + " PRIMARY KEY (tenant, id))",
                "INSERT INTO " + items + " SELECT g % 8, g, 1, 'n' || g, g * 1.25 FROM generate_series(1, 600) g",
                "INSERT INTO " + ledger + " SELECT g % 8, g, g, 1 FROM generate_series(1, 600) g");
        if (citus != null) {
            citus.createSchema(s);
        }
        List<String> schema = new ArrayList<>(List.of("schema", "--tables", items + "," + ledger, "--ddl-from", "CATALOG"));
        if (citus != null) {
            schema.addAll(List.of("--distribute", items + ":tenant," + ledger + ":tenant"));
        }
        WarpRun created = WarpRun.warp(warpArgs(schema.get(0), schema.subList(1, schema.size()).toArray(String[]::new)));
        assertEquals(Warp.OK, created.code(), created.out() + created.err());
        WarpRun start = WarpRun.warp(warpArgs("start", "--tables", items + "," + ledger));
        assertEquals(Warp.OK, start.code(), start.out() + start.err());
        assertTrue(start.out().contains("schema changes of the 2 table(s) are captured"), start.out());
        // Debezium takes its first view of each table from the catalog as it is when it starts: changes begin once it
        // streams (docs/schema-changes.md, "While the source connector starts").
        Eventually.await(WAIT, "status CAUGHT UP", () -> WarpRun.warp(warpArgs("status")).code() == Warp.OK);

        try (Load load = new Load()) {
            awaitEqual(load);
            madeBySink(load);
            restartBetweenTheChangeAndItsRows(load);
            aChangeTheTargetAlreadyHas(load);
            stoppedThenFixed(load, "BEGIN; ALTER TABLE " + items + " ADD COLUMN r double precision DEFAULT random(); " + marker(1) + "; COMMIT",
                    "PostgreSQL rewrote the table", "UPDATE " + items + " SET r = r");
            stoppedThenFixed(load, "BEGIN; ALTER TABLE " + items + " ALTER COLUMN amount TYPE numeric(16,3); " + marker(2) + "; COMMIT",
                    "PostgreSQL converted every row", null);
            stoppedThenFixed(load, "BEGIN; ALTER TABLE " + items + " RENAME COLUMN name TO title; " + marker(3) + "; COMMIT",
                    "the source renamed column \"name\"", null);
            stoppedThenFixed(load, "BEGIN; ALTER TABLE " + ledger + " DROP CONSTRAINT ledger_pkey; ALTER TABLE " + ledger
                    + " ADD PRIMARY KEY (tenant, id, item); " + marker(4) + "; COMMIT", "the sink matches rows by the target's primary key", null);
            tableCreatedAfterTheStart(load);
        }
        WarpRun verify = WarpRun.warp(warpArgs("verify"));
        assertEquals(Warp.OK, verify.code(), verify.out() + verify.err());
        Eventually.await(WAIT, "status CAUGHT UP before finish", () -> WarpRun.warp(warpArgs("status")).code() == Warp.OK);
        WarpRun finish = WarpRun.finishWhenCaughtUp(WAIT, warpArgs("finish"));
        assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
        assertTrue(finish.out().contains("removed the schema-change capture"), finish.out());
        try (Connection c = m.source()) {
            assertNull(Sql.one(c, "SELECT to_regclass('warp.ddl_capture')"), "finish removed the capture");
            assertEquals("0", Sql.one(c, "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'warp\\_capture\\_%'"));
        }
    }

    /** ADD COLUMN (no default, constant, now()), widenings, DROP COLUMN, defaults and NOT NULL: made on the target. */
    private void madeBySink(Load load) throws Exception {
        load.start();
        source("BEGIN; ALTER TABLE " + items + " ADD COLUMN color text DEFAULT 'red'; UPDATE " + items + " SET color = 'blue'"
                + " WHERE id % 10 = 0; " + ledgerRow() + "; COMMIT");
        source("ALTER TABLE " + items + " ADD COLUMN created timestamptz NOT NULL DEFAULT now()");
        source("BEGIN; INSERT INTO " + items + " (tenant, id, qty, created) VALUES (3, " + ids.incrementAndGet()
                + ", 1, '2020-02-02 02:02:02+00'); " + ledgerRow() + "; COMMIT");
        source("BEGIN; ALTER TABLE " + items + " ADD COLUMN note text; UPDATE " + items + " SET note = 'n' || id WHERE id % 7 = 0; "
                + ledgerRow() + "; COMMIT");
        Thread.sleep(500);
        awaitEqual(load);

        load.start();
        source("BEGIN; ALTER TABLE " + items + " ALTER COLUMN name TYPE varchar(40); UPDATE " + items
                + " SET name = repeat('w', 35) WHERE id % 11 = 0; " + ledgerRow() + "; COMMIT");
        source("BEGIN; ALTER TABLE " + items + " ALTER COLUMN amount TYPE numeric(14,2); UPDATE " + items
                + " SET amount = 123456789012.34 WHERE id % 13 = 0; " + ledgerRow() + "; COMMIT");
        source("ALTER TABLE " + items + " ALTER COLUMN name TYPE text");
        // The update before the drop still carries the column; the drop is made where it happened.
        source("BEGIN; UPDATE " + items + " SET note = 'last' WHERE id = 1; ALTER TABLE " + items + " DROP COLUMN note; "
                + ledgerRow() + "; COMMIT");
        source("ALTER TABLE " + items + " ALTER COLUMN color SET DEFAULT 'green', ALTER COLUMN created DROP NOT NULL");
        source("BEGIN; INSERT INTO " + items + " (tenant, id, qty) VALUES (5, " + ids.incrementAndGet() + ", 1); " + ledgerRow() + "; COMMIT");
        Thread.sleep(500);
        awaitEqual(load);
        assertTrue(status().contains("schema change applied at source LSN"), "status lists the changes made");
    }

    /** The change's transaction is applied, the task restarts, then rows using the new column arrive. */
    private void restartBetweenTheChangeAndItsRows(Load load) throws Exception {
        source("ALTER TABLE " + items + " ADD COLUMN flag boolean NOT NULL DEFAULT false");
        Eventually.await(WAIT, "flag added on the target", () -> targetHasColumn("items", "flag"));
        env.connect().restartTask(sink, 0);
        awaitSinkRunning();
        load.start();
        source("BEGIN; UPDATE " + items + " SET flag = true WHERE id % 3 = 0; " + ledgerRow() + "; COMMIT");
        Thread.sleep(500);
        awaitEqual(load);
    }

    /**
     * The target has the column before the sink reaches the change (as after a crash between a separate DDL commit and the
     * rows, or a user who added it): the sink recognises it, checks the old rows' values and goes on.
     */
    private void aChangeTheTargetAlreadyHas(Load load) throws Exception {
        env.connect().pause(sink);
        Eventually.await(WAIT, "sink paused", () -> "PAUSED".equals(env.connect().status(sink).path("connector").path("state").asText()));
        Thread.sleep(2000);
        source("BEGIN; ALTER TABLE " + items + " ADD COLUMN tag text DEFAULT 'x'; UPDATE " + items + " SET tag = 'y' WHERE id % 5 = 0; "
                + ledgerRow() + "; COMMIT");
        target("ALTER TABLE " + items + " ADD COLUMN tag text DEFAULT 'x'");
        env.connect().resume(sink);
        awaitSinkRunning();
        awaitEqual(load);
    }

    /**
     * A change the sink does not make, in a transaction that also writes a marker row: the task fails before anything of
     * it, naming the DDL; status shows the stop; the DDL from the message, run on the target, and a task restart go on.
     */
    private void stoppedThenFixed(Load load, String change, String why, String afterwardsOnSource) throws Exception {
        load.start();
        Thread.sleep(300);
        source(change);
        JsonNode failed = Eventually.await(WAIT, "sink task FAILED at the schema change", () -> env.connect().status(sink),
                st -> st.path("tasks").size() > 0 && "FAILED".equals(st.path("tasks").get(0).path("state").asText()));
        String trace = failed.path("tasks").get(0).path("trace").asText();
        // Connect's own exception comes first; the sink's message is the cause's.
        String message = trace.lines().filter(l -> l.contains("Schema change on source table")).findFirst().orElse(trace);
        LOG.info("stopped as expected: {}", message);
        assertTrue(message.contains("Schema change on source table " + s + "."), message);
        assertTrue(message.contains(why), message);
        assertTrue(message.contains(") at source LSN "), message);
        assertTrue(message.contains("Run on the target: "), message);
        assertTrue(message.contains("POST /connectors/" + sink + "/tasks/0/restart"), message);
        assertEquals("0", targetOne("SELECT count(*) FROM " + ledger + " WHERE delta = -1"), "nothing of the stopped transaction applied");
        String status = status();
        assertTrue(status.contains("verdict      FAILED"), status);
        assertTrue(status.contains("schema change STOPPED the sink"), status);
        load.stop();

        String fix = message.substring(message.indexOf("Run on the target: ") + "Run on the target: ".length(),
                message.indexOf(". Then restart the sink task"));
        for (String statement : fix.split("; ")) {
            target(statement);
        }
        env.connect().restartTask(sink, 0);
        awaitSinkRunning();
        if (afterwardsOnSource != null) {
            source(afterwardsOnSource);
        }
        source("DELETE FROM " + ledger + " WHERE delta = -1");
        load.start();
        Thread.sleep(500);
        awaitEqual(load);
        assertTrue(!status().contains("schema change STOPPED the sink"), "the stop is resolved once the change is applied");
    }

    private void tableCreatedAfterTheStart(Load load) throws Exception {
        source("CREATE TABLE " + s + ".fresh (id int PRIMARY KEY)");
        String expected = "not migrated: " + s + ".fresh, created after the start";
        assertTrue(status().contains(expected), "status names the new table");
        WarpRun check = WarpRun.warp(warpArgs("check"));
        assertTrue(check.out().contains(expected), check.out());
        WarpRun verify = WarpRun.warp(warpArgs("verify"));
        assertTrue(verify.out().contains(expected), verify.out());
        source("DROP TABLE " + s + ".fresh");
        awaitEqual(load);
    }

    private String status() {
        WarpRun run = WarpRun.warp(warpArgs("status"));
        return run.out();
    }

    /** Stops the load, then waits until rows, column set, types, defaults and nullability are the source's. */
    private void awaitEqual(Load load) throws Exception {
        load.stop();
        Eventually.await(WAIT, "target equal to source (rows and columns)", () -> {
            failIfSinkFailed();
            try (Connection src = m.source(); Connection dst = m.target()) {
                for (String table : List.of(items, ledger)) {
                    if (!columns(src, table).equals(columns(dst, table))
                            || !TableDigest.digest(src, table, "tenant, id").equals(TableDigest.digest(dst, table, "tenant, id"))) {
                        return false;
                    }
                }
                return true;
            }
        });
        try (Connection src = m.source(); Connection dst = m.target()) {
            for (String table : List.of(items, ledger)) {
                assertEquals(columns(src, table), columns(dst, table), table + " columns");
            }
        }
        TableDigest.assertEqual(m, items, "tenant, id");
        TableDigest.assertEqual(m, ledger, "tenant, id");
    }

    /** Name, type, nullability and default of every column, in order, as PostgreSQL prints them fully qualified. */
    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        Sql.exec(c, "SET search_path = pg_catalog");
        try {
            for (String[] r : Sql.rows(c, "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
                    + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", table)) {
                out.add(String.join(" ", r[0], r[1], "t".equals(r[2]) ? "NOT NULL" : "NULL", "DEFAULT " + r[3]));
            }
        } finally {
            Sql.exec(c, "RESET search_path");
        }
        return out;
    }

    private boolean targetHasColumn(String table, String column) throws SQLException {
        return "1".equals(targetOne("SELECT 1 FROM pg_attribute WHERE attrelid = '" + s + "." + table + "'::regclass AND attname = '"
                + column + "' AND NOT attisdropped"));
    }

    private void failIfSinkFailed() {
        JsonNode st = env.connect().status(sink);
        for (JsonNode task : st.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new AssertionError(sink + " FAILED: " + task.path("trace").asText());
            }
        }
    }

    private void awaitSinkRunning() {
        Eventually.await(WAIT, sink + " task RUNNING", () -> env.connect().status(sink),
                st -> st.path("tasks").size() > 0 && "RUNNING".equals(st.path("tasks").get(0).path("state").asText()));
    }

    private String ledgerRow() {
        return "INSERT INTO " + ledger + " (tenant, id, item, delta) VALUES (1, " + ledgerIds.incrementAndGet() + ", 1, 1)";
    }

    /** A ledger row that exists on the target only if the stopped transaction was (wrongly) applied. */
    private String marker(int n) {
        return "INSERT INTO " + ledger + " (tenant, id, item, delta) VALUES (2, " + (-n) + ", 0, -1)";
    }

    private void source(String sql) throws SQLException {
        try (Connection c = m.source()) {
            Sql.exec(c, sql);
        }
    }

    private void target(String sql) throws SQLException {
        try (Connection c = m.target()) {
            Sql.exec(c, sql);
        }
    }

    private String targetOne(String sql) throws SQLException {
        try (Connection c = m.target()) {
            return Sql.one(c, sql);
        }
    }

    /**
     * The application: each transaction inserts an item, updates another one and appends to the ledger, through the
     * columns no change touches, while the changes happen.
     */
    private final class Load implements AutoCloseable {
        private Thread thread;
        private volatile boolean running;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private long transactions;

        void start() {
            running = true;
            thread = new Thread(this::loop, "schema-change-load");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try (Connection c = m.source()) {
                c.setAutoCommit(false);
                while (running) {
                    int tenant = ThreadLocalRandom.current().nextInt(8);
                    long id = ids.incrementAndGet();
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + items + " (tenant, id, qty) VALUES (?, ?, 1)");
                         PreparedStatement update = c.prepareStatement("UPDATE " + items + " SET qty = qty + 1 WHERE id = ?");
                         PreparedStatement append = c.prepareStatement("INSERT INTO " + ledger + " (tenant, id, item, delta) VALUES (?, ?, ?, 1)")) {
                        insert.setInt(1, tenant);
                        insert.setLong(2, id);
                        insert.executeUpdate();
                        update.setLong(1, 1 + ThreadLocalRandom.current().nextLong(600));
                        update.executeUpdate();
                        append.setInt(1, tenant);
                        append.setLong(2, ledgerIds.incrementAndGet());
                        append.setLong(3, id);
                        append.executeUpdate();
                        c.commit();
                        transactions++;
                    } catch (SQLException e) {
                        c.rollback(); // a schema change took the table from under a prepared statement: the next one is new
                    }
                    Thread.sleep(15);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join();
                thread = null;
            }
            if (failure.get() != null) {
                throw new AssertionError("the load failed", failure.get());
            }
            LOG.info("load: {} transactions so far", transactions);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
