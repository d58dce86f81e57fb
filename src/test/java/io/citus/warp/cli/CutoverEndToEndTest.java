package io.citus.warp.cli;

import static io.citus.warp.cli.WarpRun.args;
import static io.citus.warp.cli.WarpRun.warp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * warp cutover against a live write load: the write fence, the proof that the final position is applied, sequences,
 * re-runs, and a failure after the fence. Real PostgreSQL servers, Kafka, Connect and Debezium.
 */
@EndToEnd
class CutoverEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();


    /**
     * A connection pool's worth of sessions that stay open and keep writing: each transaction moves money between two
     * accounts and appends to a ledger whose id comes from a shared (not owned) sequence, another from a descending one.
     * One session holds its transactions open for a while, so the fence finds a writer mid-transaction; another runs with
     * {@code session_replication_role = replica}.
     */
    static final class PoolLoad implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong committed = new AtomicLong();
        final AtomicLong fencedAttempts = new AtomicLong();
        final AtomicLong otherFailures = new AtomicLong();
        final AtomicLong firstFencedNanos = new AtomicLong();
        final Set<Long> committedLedgerIds = ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();
        final List<Connection> sessions = new ArrayList<>();
        volatile SQLException unexpected;

        PoolLoad(Migration m, int size, int accounts) throws SQLException {
            for (int i = 0; i < size; i++) {
                Connection c = m.source();
                if (i == 1) {
                    // As a subscription's apply worker or pglogical writes (or a role with this default): plain triggers
                    // do not fire in such a session; the fence's must.
                    Sql.exec(c, "SET session_replication_role = replica");
                }
                c.setAutoCommit(false);
                sessions.add(c);
                boolean slow = i == 0;
                Thread t = new Thread(() -> loop(c, accounts, slow), "pool-session-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
            threads.forEach(Thread::start);
        }

        private void loop(Connection c, int accounts, boolean slow) {
            while (!stop.get()) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                int from = r.nextInt(1, accounts + 1);
                int to = r.nextInt(1, accounts + 1);
                int amount = r.nextInt(1, 100);
                try {
                    // Lower id first: the sessions never deadlock on each other, so any failure is the fence's.
                    try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET balance = balance + ? WHERE id = ?")) {
                        ps.setInt(1, from < to ? -amount : amount);
                        ps.setInt(2, Math.min(from, to));
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET balance = balance + ? WHERE id = ?")) {
                        ps.setInt(1, from < to ? amount : -amount);
                        ps.setInt(2, Math.max(from, to));
                        ps.executeUpdate();
                    }
                    long id;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (from_acct, to_acct, amount) VALUES (?, ?, ?) RETURNING id");
                    ) {
                        ps.setInt(1, from);
                        ps.setInt(2, to);
                        ps.setInt(3, amount);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            id = rs.getLong(1);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (note) VALUES (?)")) {
                        ps.setString(1, "moved " + amount);
                        ps.executeUpdate();
                    }
                    if (slow) {
                        Thread.sleep(1500);
                    }
                    c.commit();
                    committedLedgerIds.add(id);
                    committed.incrementAndGet();
                } catch (SQLException e) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the session may have been terminated
                    }
                    if ("25006".equals(e.getSQLState())) {
                        firstFencedNanos.compareAndSet(0, System.nanoTime());
                        fencedAttempts.incrementAndGet();
                    } else {
                        otherFailures.incrementAndGet();
                        unexpected = e;
                    }
                    sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                // A paced load: the shared test machine must keep up with it, or cutover only measures the backlog.
                sleep(100);
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    private static final String[] SCHEMA = {
            "CREATE TABLE acct (id bigserial PRIMARY KEY, balance bigint NOT NULL)",
            "CREATE SEQUENCE shared_seq",
            "CREATE SEQUENCE down_seq INCREMENT BY -1 MINVALUE -1000000000 MAXVALUE -1 START WITH -1",
            "CREATE TABLE ledger (id bigint PRIMARY KEY DEFAULT nextval('shared_seq'), from_acct int, to_acct int, amount int,"
                    + " down bigint NOT NULL DEFAULT nextval('down_seq'))",
            "CREATE TABLE audit (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)",
            "INSERT INTO acct (balance) SELECT 1000 FROM generate_series(1, 50)"};

    @Test
    void cutoverUnderPoolLoadFencesEveryWriteAndLosesNone(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "fence")) {
            m.sourceSql(SCHEMA);
            // warp schema creates owned sequences only: the shared and the descending one are created here.
            m.targetSql(SCHEMA[0], SCHEMA[1], SCHEMA[2], SCHEMA[3], SCHEMA[4]);
            String tables = "public.acct,public.ledger,public.audit";
            WarpRun start = warp(args(env, m, "start", "--tables", tables));
            assertEquals(Warp.OK, start.code(), start.out() + start.err());
            JsonNode result;
            long cutoverReturned;
            try (PoolLoad load = new PoolLoad(m, 4, 50)) {
                Eventually.await(Duration.ofSeconds(120), "load applied on the target", () -> {
                    try (Connection t = m.target()) {
                        return Long.parseLong(Sql.one(t, "SELECT count(*) FROM ledger")) > 50;
                    }
                });
                // The pool keeps writing through its open sessions while cutover runs.
                WarpRun cutover = warp(args(env, m, "cutover", "--tables", tables, "--sequence-margin", "10", "--timeout", "600", "--json"));
                cutoverReturned = System.nanoTime();
                assertEquals(Warp.OK, cutover.code(), cutover.out() + cutover.err());
                result = JSON.readTree(cutover.out());
                long before = load.fencedAttempts.get();
                Thread.sleep(500);
                assertTrue(load.fencedAttempts.get() > before, "the pool keeps trying and every attempt is refused");
                assertTrue(load.fencedAttempts.get() > 0, "writes were attempted after the fence");
                assertEquals(0, load.otherFailures.get(), "no failure other than the fence: " + load.unexpected);
                load.stop.set(true);
                long afterFence;
                long lost = 0;
                try (Connection t = m.target(); Connection s = m.source()) {
                    for (long id : load.committedLedgerIds) {
                        if (Sql.one(t, "SELECT 1 FROM ledger WHERE id = ?", id) == null) {
                            lost++;
                        }
                    }
                    afterFence = Long.parseLong(Sql.one(s, "SELECT count(*) FROM ledger")) - load.committedLedgerIds.size();
                }
                System.out.printf("cutover under load: %d transactions committed before the fence, %d writes attempted after it"
                                + " (all refused), %d committed writes lost, source fenced %d ms when cutover reported success"
                                + " (open writers waited %d ms), ledger rows not acknowledged to the pool: %d%n",
                        load.committed.get(), load.fencedAttempts.get(), lost, result.path("fencedMillis").asLong(),
                        result.path("fence").path("lockWaitMillis").asLong(), afterFence);
                assertEquals(0, lost, "every write the pool saw committed is on the target");
                assertEquals(0, afterFence, "nothing committed on the source that the pool did not see committed");
            }
            for (String table : List.of("acct", "ledger", "audit")) {
                TableDigest.assertEqual(m, table, "id");
            }
            assertTrue(result.path("fence").path("installed").asBoolean(), result.toString());
            assertEquals("in place", result.path("fence").path("state").asText());
            assertFalse(result.path("positionProof").asText().isEmpty());
            try (Connection s = m.source(); Connection t = m.target()) {
                // Owner and superuser are fenced too, in a new session.
                SQLException refused = null;
                try {
                    Sql.exec(s, "INSERT INTO acct (balance) VALUES (1)");
                } catch (SQLException e) {
                    refused = e;
                }
                assertNotNull(refused, "the source refuses writes after cutover");
                assertEquals("25006", refused.getSQLState());
                long sourceLedgerMax = Long.parseLong(Sql.one(s, "SELECT max(id) FROM ledger"));
                long sourceDownMin = Long.parseLong(Sql.one(s, "SELECT min(down) FROM ledger"));
                long nextLedger = Long.parseLong(Sql.one(t, "SELECT nextval('shared_seq')"));
                long nextDown = Long.parseLong(Sql.one(t, "SELECT nextval('down_seq')"));
                long nextAudit = Long.parseLong(Sql.one(t, "SELECT nextval(pg_get_serial_sequence('audit', 'id'))"));
                long sourceAuditMax = Long.parseLong(Sql.one(s, "SELECT max(id) FROM audit"));
                assertTrue(nextLedger >= sourceLedgerMax + 10, "non-owned sequence past the source's: " + nextLedger + " vs " + sourceLedgerMax);
                assertTrue(nextDown <= sourceDownMin - 10, "descending sequence below the source's: " + nextDown + " vs " + sourceDownMin);
                assertTrue(nextAudit >= sourceAuditMax + 10, "identity past the source's: " + nextAudit + " vs " + sourceAuditMax);

                // The application now draws ids on the target; a re-run must not move any sequence back.
                Sql.exec(t, "SELECT setval('shared_seq', " + (nextLedger + 5000) + ")");
                WarpRun again = warp(args(env, m, "cutover", "--tables", tables, "--sequence-margin", "10", "--timeout", "120", "--json"));
                assertEquals(Warp.OK, again.code(), again.out() + again.err());
                JsonNode second = JSON.readTree(again.out());
                assertTrue(second.path("fence").path("existedBefore").asBoolean(), again.out());
                assertTrue(Long.parseLong(Sql.one(t, "SELECT nextval('shared_seq')")) > nextLedger + 5000, "re-run kept the higher value");
                assertTrue(Long.parseLong(Sql.one(t, "SELECT nextval('down_seq')")) < nextDown, "re-run kept the descending one below");
            }
            System.out.printf("cutover returned %.1f s ago%n", (System.nanoTime() - cutoverReturned) / 1e9);
        }
    }

    @Test
    void failureAfterTheFenceMakesTheSourceWritableAgainAndSaysSo(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "unfence")) {
            m.sourceSql("CREATE SEQUENCE extra_seq", "CREATE TABLE t (id int PRIMARY KEY, n bigint DEFAULT nextval('extra_seq'))",
                    "INSERT INTO t (id) SELECT g FROM generate_series(1, 20) g");
            // The target's column has no sequence: the sequence step, after the fence, must fail.
            m.targetSql("CREATE TABLE t (id int PRIMARY KEY, n bigint)");
            WarpRun start = warp(args(env, m, "start", "--tables", "public.t"));
            assertEquals(Warp.OK, start.code(), start.out() + start.err());
            // Creating the slot waits for open write transactions: open the idle one only once streaming runs.
            Eventually.await(Duration.ofSeconds(120), "status CAUGHT UP", () ->
                    warp(args(env, m, "status", "--tables", "public.t")).code() == Warp.OK);
            try (Connection idle = m.source()) {
                // A session left idle in a write transaction: the fence must end it, not wait forever.
                idle.setAutoCommit(false);
                Sql.exec(idle, "INSERT INTO t (id) VALUES (1000)");
                WarpRun json = warp(args(env, m, "cutover", "--tables", "public.t", "--timeout", "120", "--terminate-sessions",
                        "--writer-grace", "1", "--json"));
                assertEquals(Warp.FAILURE, json.code(), json.out() + json.err());
                JsonNode r = JSON.readTree(json.out());
                assertFalse(r.path("ok").asBoolean(true), json.out() + json.err());
                assertEquals("removed", r.path("fence").path("state").asText(), json.out());
                assertTrue(r.path("fence").path("terminatedPids").size() >= 1, json.out());
                assertTrue(r.path("error").asText().contains("extra_seq"), json.out());
                assertTrue(r.path("fence").path("undo").get(0).asText().startsWith("DROP TRIGGER IF EXISTS"), json.out());
                SQLException gone = null;
                try {
                    idle.commit();
                } catch (SQLException e) {
                    gone = e;
                }
                assertNotNull(gone, "the idle writer was terminated");
            }
            try (Connection s = m.source()) {
                Sql.exec(s, "INSERT INTO t (id) VALUES (21)");
                assertEquals("0", Sql.one(s, "SELECT count(*) FROM t WHERE id = 1000"), "the terminated writer's insert rolled back");
            }
            // Text mode says the same.
            WarpRun text = warp(args(env, m, "cutover", "--tables", "public.t", "--timeout", "120"));
            assertEquals(Warp.FAILURE, text.code(), text.out() + text.err());
            assertTrue(text.out().contains("the fence was removed, the source is writable again"), text.out());
            try (Connection s = m.source()) {
                Sql.exec(s, "INSERT INTO t (id) VALUES (22)");
            }
            Eventually.await(Duration.ofSeconds(60), "replication continues after the failed cutover", () -> {
                try (Connection t = m.target()) {
                    return Sql.one(t, "SELECT 1 FROM t WHERE id = 22") != null;
                }
            });
        }
    }
}
