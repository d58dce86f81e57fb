package io.citus.warp.cutover;

import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the cutover's write fence must stop, against a real server: every writer PostgreSQL lets past a plain trigger
 * ({@code session_replication_role = replica}), partitions created while the fence waits for its lock or after it,
 * TRUNCATE of a partition, and a prepared transaction, which must make the fence fail with nothing changed. Each test
 * keeps its tables in a schema of its own, so the same contract runs on plain PostgreSQL and on a Citus coordinator.
 */
abstract class WriteFenceContract {
    private static final long TIMEOUT_MS = 30_000;

    /** The server under test; a database that the tests may create schemas in. */
    abstract PgEndpoint server();

    private String schema;
    private String migration;

    @BeforeEach
    void schema() throws SQLException {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        schema = "fence_" + id;
        migration = "fence-" + id;
        try (Connection c = connect()) {
            Sql.exec(c, "CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = connect()) {
            for (String[] gid : Sql.rows(c, "SELECT gid FROM pg_prepared_xacts WHERE gid LIKE ?", schema + "%")) {
                Sql.exec(c, "ROLLBACK PREPARED " + Sql.literal(gid[0]));
            }
            Sql.exec(c, "DROP SCHEMA " + schema + " CASCADE");
            Sql.exec(c, "DROP FUNCTION IF EXISTS " + WriteFence.functionName(migration) + "()");
        }
    }

    private Connection connect() throws SQLException {
        return server().connect();
    }

    private TableName table(String name) {
        return new TableName(schema, name);
    }

    private WriteFence.Fence fence(String... tables) throws Exception {
        return WriteFence.install(server(), migration, List.of(tables).stream().map(this::table).toList(), false, 0, TIMEOUT_MS);
    }

    /** The SQLSTATE a write gets, or null when it succeeded. */
    private static String write(Connection c, String sql) {
        try {
            Sql.exec(c, sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @Test
    void sessionsWithSessionReplicationRoleReplicaAreFenced() throws Exception {
        try (Connection c = connect()) {
            Sql.exec(c, "CREATE TABLE " + schema + ".t (id int PRIMARY KEY)");
        }
        fence("t");
        try (Connection replica = connect(); Connection c = connect()) {
            // What a subscription's apply worker, pglogical, or a role with this default runs as.
            Sql.exec(replica, "SET session_replication_role = replica");
            assertEquals("25006", write(replica, "INSERT INTO " + schema + ".t VALUES (1)"), "a replica-role session is fenced");
            assertEquals("25006", write(replica, "TRUNCATE " + schema + ".t"));
            assertEquals("25006", write(c, "INSERT INTO " + schema + ".t VALUES (2)"), "an ordinary session is fenced");
            assertEquals("0", Sql.one(c, "SELECT count(*) FROM " + schema + ".t"));
            assertTrue(WriteFence.holds(c, migration, List.of(table("t"))));
            // A trigger that fires only in origin sessions no longer fences every writer: holds() must say so.
            Sql.exec(c, "ALTER TABLE " + schema + ".t ENABLE TRIGGER " + Sql.ident(WriteFence.triggerName(migration)));
            assertFalse(WriteFence.holds(c, migration, List.of(table("t"))), "a trigger enabled for origin sessions only does not hold");
        }
    }

    @Test
    void partitionsCreatedAfterTheFenceAreFenced() throws Exception {
        try (Connection c = connect()) {
            Sql.exec(c, "CREATE TABLE " + schema + ".p (id int, k int NOT NULL, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)");
            Sql.exec(c, "CREATE TABLE " + schema + ".p1 PARTITION OF " + schema + ".p FOR VALUES FROM (0) TO (100)");
            Sql.exec(c, "INSERT INTO " + schema + ".p VALUES (1, 1)");
        }
        fence("p");
        try (Connection c = connect(); Connection replica = connect()) {
            Sql.exec(c, "CREATE TABLE " + schema + ".p2 PARTITION OF " + schema + ".p FOR VALUES FROM (100) TO (200)");
            Sql.exec(replica, "SET session_replication_role = replica");
            assertEquals("25006", write(c, "INSERT INTO " + schema + ".p2 VALUES (2, 150)"), "direct insert into a new partition");
            assertEquals("25006", write(replica, "INSERT INTO " + schema + ".p2 VALUES (3, 150)"), "the same as replica");
            assertEquals("25006", write(c, "INSERT INTO " + schema + ".p VALUES (4, 150)"), "through the root");
            assertEquals("25006", write(c, "UPDATE " + schema + ".p1 SET id = id + 1"), "direct update of an old partition");
            assertEquals("25006", write(replica, "DELETE FROM " + schema + ".p1"), "direct delete as replica");
            assertEquals("25006", write(c, "TRUNCATE " + schema + ".p1"), "truncate of an old partition");
            assertEquals("25006", write(c, "TRUNCATE " + schema + ".p"), "truncate of the root");
            assertEquals("1", Sql.one(c, "SELECT count(*) FROM " + schema + ".p"));
            assertTrue(WriteFence.holds(c, migration, List.of(table("p"))), "the fence covers the new partition too");
        }
    }

    @Test
    void aPartitionCreatedWhileTheFenceWaitsForItsLockIsFenced() throws Exception {
        try (Connection c = connect()) {
            Sql.exec(c, "CREATE TABLE " + schema + ".p (id int, k int NOT NULL, j int NOT NULL, PRIMARY KEY (id, k, j)) PARTITION BY RANGE (k)");
            Sql.exec(c, "CREATE TABLE " + schema + ".p1 PARTITION OF " + schema + ".p FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (j)");
            Sql.exec(c, "CREATE TABLE " + schema + ".p1a PARTITION OF " + schema + ".p1 FOR VALUES FROM (0) TO (100)");
        }
        WriteFence.Fence fence;
        try (Connection writer = connect(); Connection ddl = connect(); Connection watch = connect()) {
            // An open writer keeps the fence waiting for its first lock (the root); meanwhile a sub-partition is created,
            // which the fence's list, read before it waited, does not have.
            writer.setAutoCommit(false);
            Sql.exec(writer, "INSERT INTO " + schema + ".p VALUES (1, 1, 1)");
            CompletableFuture<WriteFence.Fence> fenced = CompletableFuture.supplyAsync(() -> {
                try {
                    return fence("p");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiting(watch, "query LIKE 'LOCK TABLE%'");
            int ddlPid = Integer.parseInt(Sql.one(ddl, "SELECT pg_backend_pid()"));
            CompletableFuture<Void> created = CompletableFuture.runAsync(() -> {
                try {
                    Sql.exec(ddl, "CREATE TABLE " + schema + ".p1b PARTITION OF " + schema + ".p1 FOR VALUES FROM (100) TO (200)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiting(watch, "pid = " + ddlPid);
            writer.commit();
            created.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            fence = fenced.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        assertTrue(fence.relations().contains(schema + ".p1b"), "the relation list is read again under the lock: " + fence.relations());
        try (Connection c = connect(); Connection replica = connect()) {
            Sql.exec(replica, "SET session_replication_role = replica");
            assertEquals("25006", write(c, "INSERT INTO " + schema + ".p1b VALUES (2, 1, 150)"));
            assertEquals("25006", write(replica, "INSERT INTO " + schema + ".p1b VALUES (3, 1, 150)"));
            assertEquals("25006", write(c, "TRUNCATE " + schema + ".p1b"));
            assertTrue(WriteFence.holds(c, migration, List.of(table("p"))));
        }
    }

    @Test
    void aPreparedTransactionMakesTheFenceFailWithNothingChanged() throws Exception {
        try (Connection c = connect()) {
            Sql.exec(c, "CREATE TABLE " + schema + ".t (id int PRIMARY KEY)");
        }
        try (Connection prepared = connect()) {
            prepared.setAutoCommit(false);
            Sql.exec(prepared, "INSERT INTO " + schema + ".t VALUES (1)");
            Sql.exec(prepared, "PREPARE TRANSACTION " + Sql.literal(schema + "-tx"));
            prepared.setAutoCommit(true);
        }
        Exception refused = assertThrows(Exception.class, () ->
                WriteFence.install(server(), migration, List.of(table("t")), true, 0, 2_000));
        String message = refused.getMessage();
        assertTrue(message.contains("prepared transaction(s) in pg_prepared_xacts") && message.contains("Nothing was changed"), message);
        try (Connection c = connect()) {
            assertEquals("0", Sql.one(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass", schema + ".t"));
            assertEquals(null, write(c, "INSERT INTO " + schema + ".t VALUES (2)"), "the source is still writable");
            assertFalse(WriteFence.holds(c, migration, List.of(table("t"))));
            assertEquals("0", Sql.one(c, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.query LIKE 'LOCK TABLE%'"
                    + " AND a.datname = current_database()"), "no lock request of the fence is left queued");
        }
    }

    private static void awaitWaiting(Connection watch, String which) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Sql.one(watch, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND " + which) == null) {
            assertTrue(System.nanoTime() < deadline, "no session waiting on a lock: " + which);
            Thread.sleep(50);
        }
    }
}
