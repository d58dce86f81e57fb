package io.citus.warp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A source WAL position that lies after every commit acknowledged so far and that logical decoding can already read.
 * {@code pg_current_wal_lsn()} is the WAL <em>write</em> position: with {@code synchronous_commit = off} (as a database or
 * role default) a commit is acknowledged once its record is inserted, before it is written or flushed, so it can lie
 * beyond that position; and logical decoding reads only flushed WAL. The insert position covers every acknowledged
 * commit; it is returned once the server has flushed up to it (the WAL writer flushes asynchronous commits within
 * {@code wal_writer_delay}, at most 10 s, and other WAL within about 15 s through its running-transactions records).
 */
public final class CommittedPosition {
    private CommittedPosition() {
    }

    /**
     * @throws IllegalStateException when the server has not flushed up to the position within {@code maxWait}
     */
    public static String read(Connection c, Duration maxWait) throws SQLException, InterruptedException {
        String position = Sql.one(c, "SELECT pg_current_wal_insert_lsn()::text");
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!"t".equals(Sql.one(c, "SELECT pg_current_wal_flush_lsn() >= ?::pg_lsn", position))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the source has not flushed its WAL up to " + position + " within "
                        + maxWait.toSeconds() + " s (flushed up to " + Sql.one(c, "SELECT pg_current_wal_flush_lsn()::text")
                        + "): logical decoding cannot read the commits before it yet");
            }
            Thread.sleep(20);
        }
        return position;
    }
}
