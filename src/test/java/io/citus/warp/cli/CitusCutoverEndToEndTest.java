package io.citus.warp.cli;

import static io.citus.warp.cli.WarpRun.warp;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * warp cutover into a Citus cluster while writers keep going on the source: an ordinary session and one with
 * {@code session_replication_role = replica} (as a subscription's apply worker writes), each inserting every 20 ms, and
 * one writing into a partitioned table. The fence must stop every one of them, the cutover must succeed, every insert
 * a writer saw committed must be on the target, and a partition created after the cutover must refuse writes too.
 */
@EndToEnd
@Citus
class CitusCutoverEndToEndTest {

    /** A session inserting into one table every 20 ms until stopped; counts refused attempts and keeps committed ids. */
    private static final class Writer implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong fenced = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Set<Long> committed = ConcurrentHashMap.newKeySet();
        final Thread thread;

        Writer(Connection c, String insert, long firstId) {
            thread = new Thread(() -> {
                long id = firstId;
                while (!stop.get()) {
                    try {
                        Sql.exec(c, insert.replace("$ID", Long.toString(id)));
                        committed.add(id);
                    } catch (SQLException e) {
                        if ("25006".equals(e.getSQLState())) {
                            fenced.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                    id++;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "writer");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @Test
    void cutoverIntoCitusStopsReplicaRoleAndPartitionWritersAndLosesNothing(TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "cituscut", citus)) {
            String s = m.id();
            m.sourceSql("CREATE SCHEMA " + s,
                    "CREATE TABLE " + s + ".items (id bigint PRIMARY KEY, v text)",
                    "CREATE TABLE " + s + ".events (id bigint, k int NOT NULL, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)",
                    "CREATE TABLE " + s + ".events_1 PARTITION OF " + s + ".events FOR VALUES FROM (0) TO (1000)",
                    "INSERT INTO " + s + ".items SELECT g, 'seed' FROM generate_series(1, 500) g",
                    "INSERT INTO " + s + ".events SELECT g, g % 1000 FROM generate_series(1, 500) g");
            m.targetSql("CREATE SCHEMA " + s,
                    "CREATE TABLE " + s + ".items (id bigint PRIMARY KEY, v text)",
                    "CREATE TABLE " + s + ".events (id bigint, k int NOT NULL, PRIMARY KEY (id, k))",
                    "SELECT create_distributed_table('" + s + ".items', 'id')",
                    "SELECT create_distributed_table('" + s + ".events', 'id')");
            String tables = s + ".items," + s + ".events";
            try {
                WarpRun start = warp(args(env, m, citus, "start", "--tables", tables));
                assertEquals(Warp.OK, start.code(), start.out() + start.err());
                try (Connection plain = m.source(); Connection replica = m.source(); Connection partition = m.source()) {
                    Sql.exec(replica, "SET session_replication_role = replica");
                    List<Writer> writers = new ArrayList<>();
                    try (Writer a = new Writer(plain, "INSERT INTO " + s + ".items VALUES ($ID, 'plain')", 1_000_000);
                         Writer b = new Writer(replica, "INSERT INTO " + s + ".items VALUES ($ID, 'replica')", 2_000_000);
                         Writer c = new Writer(partition, "INSERT INTO " + s + ".events_1 VALUES ($ID, 7)", 3_000_000)) {
                        writers.addAll(List.of(a, b, c));
                        Eventually.await(Duration.ofSeconds(180), "writes applied on Citus", () -> {
                            try (Connection t = m.target()) {
                                return Long.parseLong(Sql.one(t, "SELECT count(*) FROM " + s + ".items WHERE v = 'replica'")) > 20;
                            }
                        });
                        WarpRun cutover = warp(args(env, m, citus, "cutover", "--tables", tables, "--timeout", "600"));
                        assertEquals(Warp.OK, cutover.code(), cutover.out() + cutover.err());
                        long before = b.fenced.get();
                        Thread.sleep(1000);
                        for (Writer w : writers) {
                            assertTrue(w.fenced.get() > 0, "every writer is refused after the fence: " + cutover.out());
                            assertEquals(0, w.failed.get(), "no failure other than the fence");
                        }
                        assertTrue(b.fenced.get() > before, "the replica-role writer keeps trying and is refused");
                    }
                    try (Connection t = m.target(); Connection src = m.source()) {
                        for (Writer w : writers) {
                            String table = w == writers.get(2) ? "events" : "items";
                            for (long id : w.committed) {
                                assertEquals("1", Sql.one(t, "SELECT count(*) FROM " + s + "." + table + " WHERE id = ?", id),
                                        "committed " + table + " row " + id + " is on the target");
                            }
                        }
                        for (String table : List.of("items", "events")) {
                            assertEquals(Sql.one(src, "SELECT count(*) FROM " + s + "." + table), Sql.one(t, "SELECT count(*) FROM " + s + "." + table),
                                    table + ": nothing committed on the source after the fence");
                        }
                        // A partition created after the cutover refuses direct writes, also from a replica-role session.
                        Sql.exec(src, "CREATE TABLE " + s + ".events_2 PARTITION OF " + s + ".events FOR VALUES FROM (1000) TO (2000)");
                        for (Connection session : List.of(src, replica)) {
                            SQLException refused = null;
                            try {
                                Sql.exec(session, "INSERT INTO " + s + ".events_2 VALUES (1, 1500)");
                            } catch (SQLException e) {
                                refused = e;
                            }
                            assertTrue(refused != null && "25006".equals(refused.getSQLState()), "new partition fenced");
                        }
                    }
                }
                TableDigest.awaitEqual(m, Duration.ofSeconds(30), s + ".items", "id", s + ".events", "id");
                WarpRun finish = WarpRun.finishWhenCaughtUp(Duration.ofSeconds(180), args(env, m, citus, "finish", "--tables", tables));
                assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
            } finally {
                m.targetSql("DROP SCHEMA IF EXISTS " + s + " CASCADE");
            }
        }
    }

    private static String[] args(TestEnvironment env, Migration m, CitusCluster citus, String command, String... more) {
        return WarpRun.argsWithTarget(env, m, citus.jdbcUrl() + "?user=" + citus.user(), command, more);
    }
}
