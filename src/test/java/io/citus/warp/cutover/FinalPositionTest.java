package io.citus.warp.cutover;

import io.citus.warp.status.AppliedProof;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.embedded.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The source position that cutover and status prove applied must lie after every commit a writer has been told
 * succeeded. With {@code synchronous_commit = off} as the database's default, a commit is acknowledged before its WAL is
 * written or flushed: it can lie beyond {@code pg_current_wal_lsn()} (the write position), and logical decoding reads
 * only flushed WAL. A WAL writer that wakes every 2 s keeps such a commit unwritten long enough to see it: the test reads
 * the position milliseconds after the commit. (Each round waits for that wake-up, so a longer delay only costs time.)
 */
@Tag("integration")
class FinalPositionTest {
    private static LocalPostgres pg;
    private static PgEndpoint endpoint;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start(Map.of("wal_writer_delay", "2000ms"));
        String db = pg.createDatabase("asynccommit");
        endpoint = new PgEndpoint(pg.host(), pg.port(), db, pg.user(), "", Map.of());
        try (Connection c = endpoint.connect()) {
            Sql.exec(c, "ALTER DATABASE " + db + " SET synchronous_commit = off");
            Sql.exec(c, "CREATE TABLE t (id int PRIMARY KEY)");
            Sql.exec(c, "CREATE PUBLICATION pub FOR TABLE t");
            Sql.one(c, "SELECT pg_create_logical_replication_slot('slot', 'pgoutput')::text");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void anAcknowledgedAsynchronousCommitLiesBeforeTheFinalPositionAndIsDecodedUpToIt() throws Exception {
        for (int round = 1; round <= 3; round++) {
            String xid;
            String committedEnd;
            try (Connection writer = endpoint.connect()) {
                assertEquals("off", Sql.one(writer, "SHOW synchronous_commit"), "the database default applies to the writer");
                writer.setAutoCommit(false);
                xid = Sql.one(writer, "SELECT txid_current()::text");
                Sql.exec(writer, "INSERT INTO t VALUES (" + round + ")");
                writer.commit();
                // The writer has been told its commit succeeded; its commit record ends at or before this.
                committedEnd = Sql.one(writer, "SELECT pg_current_wal_insert_lsn()::text");
            }
            String position = CaughtUp.currentLsn(endpoint);
            try (Connection c = endpoint.connect()) {
                assertEquals("t", Sql.one(c, "SELECT ?::pg_lsn >= ?::pg_lsn", position, committedEnd),
                        "round " + round + ": final position " + position + " is at or after the acknowledged commit (ends " + committedEnd + ")");
                assertEquals("t", Sql.one(c, "SELECT pg_current_wal_flush_lsn() >= ?::pg_lsn", position),
                        "logical decoding can read up to the final position: it is flushed");
                AppliedProof.Pending pending = AppliedProof.check(c, "slot", "pub", position);
                assertEquals(xid, pending.lastXid(), "round " + round + ": the proof sees the acknowledged transaction as not yet confirmed");
                // Confirm it, as Debezium would once it is in Kafka, for the next round.
                Sql.one(c, "SELECT count(*)::text FROM pg_logical_slot_get_binary_changes('slot', ?::pg_lsn, NULL,"
                        + " 'proto_version', '1', 'publication_names', 'pub')", position);
            }
        }
    }
}
