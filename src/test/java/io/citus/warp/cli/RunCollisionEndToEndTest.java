package io.citus.warp.cli;

import static io.citus.warp.cli.WarpRun.args;
import static io.citus.warp.cli.WarpRun.warp;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs of one migration that meet: two at once (refused, naming the holder), and the warp process killed with SIGKILL
 * at steps of start, cutover and finish (a real child JVM). Each rerun recovers, or refuses with the exact state and the
 * command that fixes it; no fence, slot, publication or connector is left behind unknowingly.
 */
@EndToEnd
class RunCollisionEndToEndTest {
    private static final Duration COMMAND = Duration.ofSeconds(240);

    /** A warp command in this JVM that must return within the time: one that hangs has not refused. */
    private static WarpRun within(Duration limit, String... args) throws Exception {
        CompletableFuture<WarpRun> run = CompletableFuture.supplyAsync(() -> warp(args));
        try {
            return run.get(limit.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("warp " + args[0] + " did not return within " + limit.toSeconds() + " s");
        }
    }

    private static Path log(TestEnvironment env, Migration m, String what) {
        return env.workDir().resolve("warp-child-" + m.id() + "-" + what + ".log");
    }

    private static String name(Migration m) {
        return m.id().replace('_', '-');
    }

    private static void awaitCaughtUp(TestEnvironment env, Migration m, String tables) {
        Eventually.await(Duration.ofSeconds(180), "status CAUGHT UP", () ->
                warp(args(env, m, "status", "--tables", tables)).code() == Warp.OK);
    }

    @Test
    void aSecondRunIsRefusedWhileStartCopiesAndAStartKilledMidCopyIsStartedOverByTheNextOne(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "collide")) {
            m.sourceSql("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 5000) g");
            m.targetSql("CREATE TABLE t (id int PRIMARY KEY, v text)");
            String slot = "warp_" + m.id();
            try (Connection blocker = m.target()) {
                // The copy into the target waits behind this lock (reads pass): the start is caught mid-copy, holding the run lock.
                blocker.setAutoCommit(false);
                Sql.exec(blocker, "LOCK TABLE t IN SHARE MODE");
                try (WarpProcess first = WarpProcess.start(log(env, m, "start"), args(env, m, "start", "--tables", "public.t"))) {
                    first.awaitLine(l -> l.contains("streaming from slot " + slot + " has started"), COMMAND);
                    Eventually.await(Duration.ofSeconds(120), "the base copy waits for the target table", () -> {
                        // Not on the blocker: inside a transaction pg_stat_activity keeps showing its first snapshot.
                        try (Connection watch = m.target()) {
                            return Sql.one(watch, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY %'") != null;
                        }
                    });

                    WarpRun second = within(COMMAND, args(env, m, "start", "--tables", "public.t"));
                    assertEquals(Warp.FINDINGS, second.code(), second.out() + second.err());
                    assertTrue(second.err().contains("another warp run of this migration (slot " + slot + ") is in progress")
                            && second.err().contains("warp start (" + slot + ")") && second.err().contains("pid " + first.pid()), second.err());
                    WarpRun cutover = within(COMMAND, args(env, m, "cutover", "--tables", "public.t", "--timeout", "30"));
                    assertEquals(Warp.FINDINGS, cutover.code(), cutover.out() + cutover.err());
                    assertTrue(cutover.err().contains("warp start (" + slot + ")"), cutover.err());
                    WarpRun finish = within(COMMAND, args(env, m, "finish", "--tables", "public.t"));
                    assertEquals(Warp.FINDINGS, finish.code(), finish.out() + finish.err());
                    assertTrue(finish.err().contains("warp start (" + slot + ")"), finish.err());
                    WarpRun status = within(COMMAND, args(env, m, "status", "--tables", "public.t"));
                    assertTrue(status.out().contains("in progress: warp start (" + slot + ")"), status.out());
                    // The refused runs changed nothing: the first run's slot, publication and connectors are in place.
                    try (Connection s = m.source()) {
                        assertEquals("1", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", slot));
                        assertEquals("1", Sql.one(s, "SELECT count(*) FROM pg_publication WHERE pubname = ?", slot));
                    }
                    assertTrue(env.connect().exists("warp-" + name(m) + "-source") && env.connect().exists("warp-" + name(m) + "-sink"));

                    first.kill();
                }
                WarpRun refused = within(COMMAND, args(env, m, "cutover", "--tables", "public.t", "--timeout", "30"));
                assertEquals(Warp.FINDINGS, refused.code(), refused.out() + refused.err());
                assertTrue(refused.err().contains("base copy for slot " + slot + " is recorded unfinished")
                        && refused.err().contains("Run `warp start` again"), refused.err());
                blocker.rollback();
            }
            WarpRun again = within(COMMAND, args(env, m, "start", "--tables", "public.t"));
            assertEquals(Warp.OK, again.code(), again.out() + again.err());
            assertTrue(again.out().contains("an earlier attempt was interrupted; starting over"), again.out());
            m.sourceSql("INSERT INTO t VALUES (5001, 'streamed')");
            awaitCaughtUp(env, m, "public.t");
            TableDigest.assertEqual(m, "t", "id");
            WarpRun finish = WarpRun.finishWhenCaughtUp(COMMAND, args(env, m, "finish", "--tables", "public.t"));
            assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
        }
    }

    @Test
    void aCutoverKilledWhileFencingLeavesNothingAndOneKilledAfterTheFenceIsReportedAndCompletedByTheNext(TestEnvironment env)
            throws Exception {
        try (Migration m = new Migration(env, "killcut")) {
            m.sourceSql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 100)");
            m.targetSql("CREATE TABLE t (id int PRIMARY KEY)");
            WarpRun start = warp(args(env, m, "start", "--tables", "public.t"));
            assertEquals(Warp.OK, start.code(), start.out() + start.err());
            awaitCaughtUp(env, m, "public.t");

            // 1. Killed while the fence waits for an open writer.
            try (Connection writer = m.source(); Connection watch = m.source()) {
                writer.setAutoCommit(false);
                Sql.exec(writer, "INSERT INTO t VALUES (1000)");
                try (WarpProcess cutover = WarpProcess.start(log(env, m, "cutover-wait"),
                        args(env, m, "cutover", "--tables", "public.t", "--fence-timeout", "300", "--timeout", "600"))) {
                    Eventually.await(Duration.ofSeconds(120), "the fence waits for the writer", () ->
                            Sql.one(watch, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'") != null);
                    WarpRun finish = within(COMMAND, args(env, m, "finish", "--tables", "public.t"));
                    assertEquals(Warp.FINDINGS, finish.code(), finish.out() + finish.err());
                    assertTrue(finish.err().contains("warp cutover (warp_" + m.id() + ")"), "finish during cutover is refused: " + finish.err());
                    cutover.kill();
                }
                // Its lock request must not stay queued in front of the application's writers.
                try (Connection app = m.source()) {
                    Sql.exec(app, "SET lock_timeout = '20s'");
                    Sql.exec(app, "INSERT INTO t VALUES (1001)");
                    assertEquals("0", Sql.one(app, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 't'::regclass"), "no fence was left");
                }
                writer.commit();
            }

            // 2. Killed after the fence, while it waits for the final position to be applied (the sink is paused).
            env.connect().pause("warp-" + name(m) + "-sink");
            m.sourceSql("INSERT INTO t VALUES (1002)");
            try (WarpProcess cutover = WarpProcess.start(log(env, m, "cutover-fenced"),
                    args(env, m, "cutover", "--tables", "public.t", "--timeout", "600"))) {
                cutover.awaitLine(l -> l.startsWith("final source position"), COMMAND);
                cutover.kill();
            }
            try (Connection s = m.source()) {
                SQLException fenced = null;
                try {
                    Sql.exec(s, "INSERT INTO t VALUES (1003)");
                } catch (SQLException e) {
                    fenced = e;
                }
                assertTrue(fenced != null && "25006".equals(fenced.getSQLState()), "the killed cutover's fence is in place");
            }
            WarpRun status = within(COMMAND, args(env, m, "status", "--tables", "public.t"));
            assertTrue(status.out().contains("its cutover did NOT complete") && status.out().contains("run `warp cutover` again")
                    && status.out().contains("DROP TRIGGER IF EXISTS"), status.out());
            WarpRun finish = within(COMMAND, args(env, m, "finish", "--tables", "public.t"));
            assertEquals(Warp.FINDINGS, finish.code(), finish.out() + finish.err());
            assertTrue(finish.err().contains("refusing to finish") && finish.err().contains("did NOT complete")
                    && finish.err().contains("Run `warp cutover` again"), finish.err());
            assertTrue(env.connect().exists("warp-" + name(m) + "-source"), "the refused finish removed nothing");

            env.connect().resume("warp-" + name(m) + "-sink");
            WarpRun cutover = within(COMMAND, args(env, m, "cutover", "--tables", "public.t", "--timeout", "300"));
            assertEquals(Warp.OK, cutover.code(), cutover.out() + cutover.err());
            assertTrue(cutover.out().contains("left by an interrupted cutover: this run takes it over"), cutover.out());
            TableDigest.assertEqual(m, "t", "id");
            WarpRun done = WarpRun.finishWhenCaughtUp(COMMAND, args(env, m, "finish", "--tables", "public.t"));
            assertEquals(Warp.OK, done.code(), done.out() + done.err());
            assertTrue(done.out().contains("cutover completed") && done.out().contains("it stays"), done.out());
        }
    }

    @Test
    void aFinishKilledWhileAForeignWalsenderHoldsTheSlotIsRerunAndNamesItUntilForced(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "foreign")) {
            m.sourceSql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
            m.targetSql("CREATE TABLE t (id int PRIMARY KEY)");
            WarpRun start = warp(args(env, m, "start", "--tables", "public.t"));
            assertEquals(Warp.OK, start.code(), start.out() + start.err());
            m.sourceSql("INSERT INTO t VALUES (11)"); // the sink records a position on the target
            awaitCaughtUp(env, m, "public.t");
            String slot = "warp_" + m.id();
            env.connect().stop("warp-" + name(m) + "-source");
            Eventually.await(Duration.ofSeconds(60), "slot released by Debezium", () -> {
                try (Connection s = m.source()) {
                    return "f".equals(Sql.one(s, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot));
                }
            });
            AtomicBoolean stop = new AtomicBoolean();
            Properties props = new Properties();
            PGProperty.USER.set(props, env.source().user());
            PGProperty.PASSWORD.set(props, "");
            PGProperty.REPLICATION.set(props, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
            PGProperty.PREFER_QUERY_MODE.set(props, "simple");
            PGProperty.APPLICATION_NAME.set(props, "foreign-consumer");
            // A consumer of the slot that is no connector of the given Connect cluster (another cluster, a script).
            Connection replication = DriverManager.getConnection(env.source().jdbcUrl(m.sourceDatabase()), props);
            PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot).withSlotOption("proto_version", "1").withSlotOption("publication_names", slot)
                    .withStatusInterval(1, TimeUnit.SECONDS).start();
            Thread consumer = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        stream.readPending();
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return; // terminated
                    }
                }
            }, "foreign-consumer");
            consumer.setDaemon(true);
            consumer.start();
            try {
                // --force: the stopped source connector keeps status from CAUGHT UP; the kill comes before its 30 s are up.
                try (WarpProcess finish = WarpProcess.start(log(env, m, "finish"), args(env, m, "finish", "--tables", "public.t", "--force"))) {
                    Eventually.await(COMMAND, "finish removed the migration's connectors", () ->
                            !env.connect().exists("warp-" + name(m) + "-source") && !env.connect().exists("warp-" + name(m) + "-sink"));
                    finish.kill();
                }
                try (Connection s = m.source()) {
                    assertEquals("t", Sql.one(s, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot), "the foreign consumer still holds the slot");
                }
                // The source connector's walsender left the slot before the foreign consumer took it (awaited above): a
                // short grace tells the foreign one apart as surely as the default 30 s, which this test would wait out twice.
                WarpRun again = within(COMMAND, args(env, m, "finish", "--tables", "public.t", "--walsender-grace", "3"));
                assertEquals(Warp.FINDINGS, again.code(), again.out() + again.err());
                assertTrue(again.err().contains("application_name 'foreign-consumer'") && again.err().contains("--force")
                        && again.err().contains("refusing to drop replication slot " + slot)
                        && again.err().contains("3 s after this migration's connectors were removed"), again.out() + again.err());
                try (Connection s = m.source()) {
                    assertEquals("1", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", slot), "slot left");
                    assertEquals("1", Sql.one(s, "SELECT count(*) FROM pg_publication WHERE pubname = ?", slot), "publication left");
                }
                WarpRun forced = within(COMMAND, args(env, m, "finish", "--tables", "public.t", "--force", "--walsender-grace", "3"));
                assertEquals(Warp.OK, forced.code(), forced.out() + forced.err());
                assertTrue(forced.out().contains("terminated walsender pid") && forced.out().contains("foreign-consumer"), forced.out());
                try (Connection s = m.source()) {
                    assertEquals("0", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", slot));
                    assertEquals("0", Sql.one(s, "SELECT count(*) FROM pg_publication WHERE pubname = ?", slot));
                }
                assertFalse(env.connect().exists("warp-" + name(m) + "-source"));
            } finally {
                stop.set(true);
                replication.close();
            }
        }
    }
}
