package io.citus.warp.sink.progress;

import io.citus.warp.embedded.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base-copy gate reads the copy's record on the sink's own session, which runs with autocommit off. While the copy
 * runs the sink asks every few seconds; a read that leaves its transaction open keeps the session idle in transaction
 * for the whole copy, holding locks on the progress tables and an old snapshot. A transaction the caller opened itself
 * must stay the caller's.
 */
@Tag("integration")
class BaseCopyGateTest {
    private static LocalPostgres pg;
    private static String db;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        db = pg.createDatabase("gate");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            for (String ddl : io.citus.warp.common.BaseCopyTables.ddl("warp")) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO warp.base_copy (slot_name, attempt, consistent_lsn, parallelism, copied_at)"
                    + " VALUES ('running', 1, '0/16B3748', 2, NULL), ('done', 2, '0/16B3748', 2, now())");
            s.execute("INSERT INTO warp.base_copy_progress (slot_name, table_name, target_table, range_no, ranges, range_kind,"
                    + " estimated_rows, rows_copied, copied_at) VALUES ('running', 'public.t', 'public.t', 1, 2, 'all', 10, 10, now()),"
                    + " ('running', 'public.t', 'public.t', 2, 2, 'all', 10, NULL, NULL)");
            s.execute("CREATE TABLE applied (id int)");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void readingTheGateLeavesTheSinkSessionIdleWithNoLocks() throws Exception {
        try (Connection sink = pg.connect(db); Connection watch = pg.connect(db)) {
            sink.setAutoCommit(false); // as the sink's TargetSession
            int pid = pid(sink);
            BaseCopyGate.State running = new BaseCopyGate("warp", "running").read(sink);
            assertFalse(running.finished());
            assertTrue(running.detail().contains("1 of 2 ranges copied"), running.detail());
            assertEquals("idle", one(watch, "SELECT state FROM pg_stat_activity WHERE pid = " + pid),
                    "the sink's session after reading the gate");
            assertEquals("0", one(watch, "SELECT count(*) FROM pg_locks WHERE pid = " + pid + " AND locktype = 'relation'"),
                    "locks the sink's session holds on the progress tables");
            BaseCopyGate.State done = new BaseCopyGate("warp", "done").read(sink);
            assertTrue(done.finished());
            assertEquals("idle", one(watch, "SELECT state FROM pg_stat_activity WHERE pid = " + pid));
        }
    }

    @Test
    void aTransactionTheCallerOpenedIsLeftOpen() throws Exception {
        try (Connection sink = pg.connect(db); Connection watch = pg.connect(db)) {
            sink.setAutoCommit(false);
            int pid = pid(sink);
            try (Statement s = sink.createStatement()) {
                s.execute("INSERT INTO applied VALUES (1)");
            }
            new BaseCopyGate("warp", "running").read(sink);
            assertEquals("idle in transaction", one(watch, "SELECT state FROM pg_stat_activity WHERE pid = " + pid));
            assertEquals("0", one(watch, "SELECT count(*) FROM applied"), "not committed by the gate");
            sink.rollback();
        }
    }

    private static int pid(Connection c) throws SQLException {
        int pid = Integer.parseInt(one(c, "SELECT pg_backend_pid()"));
        c.commit();
        return pid;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
