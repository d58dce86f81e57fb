package io.citus.warp.e2e;

import io.citus.warp.testing.ChangeTopic;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guarantees 1–4 of docs/guarantees.md under a concurrent TPC-B load: a reader of the target never sees
 * the three balance sums disagree (atomic, ordered, consistent prefix), and across a sink task restart,
 * a whole worker restart, a reset of the sink's Kafka offsets and a source connector restart (which
 * re-emits events) no change is applied twice or skipped.
 */
@EndToEnd
class TransactionalApplyTest {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalApplyTest.class);
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String[] TABLES = TpcbMigration.TABLES;

    /** Counts every row the sink inserts into history, so a replayed insert shows up as a second count. */
    private static final String INSERT_COUNTER = """
            CREATE TABLE history_inserts (hid bigint NOT NULL);
            CREATE FUNCTION count_history_insert() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN INSERT INTO history_inserts VALUES (NEW.hid); RETURN NEW; END $$;
            CREATE TRIGGER count_history_insert BEFORE INSERT ON pgbench_history
              FOR EACH ROW EXECUTE FUNCTION count_history_insert();
            """;

    @Test
    void readersNeverSeeTornTransactionsAndRestartsNeitherRepeatNorSkip(TestEnvironment env) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(4, 500);
        try (Migration m = new Migration(env, "tpcb")) {
            TpcbMigration.start(m, tpcb, Map.of(), WAIT);
            m.targetSql(INSERT_COUNTER);

            long sourceTransactions = 0;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong samples = new AtomicLong();
            List<String> violations = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Long>> writers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    writers.add(pool.submit(() -> tpcb.run(m::openSource, stop::get, 150)));
                }
                Future<?> reader = pool.submit(() -> {
                    try (Connection dst = m.target()) {
                        while (!stop.get()) {
                            long[] sums = TpcbWorkload.balanceSums(dst);
                            samples.incrementAndGet();
                            if (!TpcbWorkload.consistent(sums)) {
                                synchronized (violations) {
                                    violations.add(sums[0] + "/" + sums[1] + "/" + sums[2]);
                                }
                            }
                        }
                    }
                    return null;
                });

                Thread.sleep(4000);
                LOG.info("restarting the sink task");
                m.connect().restartTask(m.sinkConnector(), 0);
                m.awaitRunning(m.sinkConnector());
                Thread.sleep(3000);

                LOG.info("restarting the whole Connect worker");
                env.restartWorker();
                m.awaitRunning(m.sinkConnector());
                m.awaitRunning(m.sourceConnector());
                Thread.sleep(3000);

                LOG.info("stopping the sink and deleting its Kafka offsets: it must position itself from the target");
                m.connect().stop(m.sinkConnector());
                Eventually.await(WAIT, "sink STOPPED", () -> "STOPPED".equals(
                        m.connect().status(m.sinkConnector()).path("connector").path("state").asText()));
                m.connect().resetOffsets(m.sinkConnector());
                m.connect().resume(m.sinkConnector());
                m.awaitRunning(m.sinkConnector());
                Thread.sleep(3000);

                LOG.info("restarting the source connector: Debezium re-emits what it had not flushed");
                m.connect().restart(m.sourceConnector(), true, false);
                m.awaitRunning(m.sourceConnector());
                Thread.sleep(4000);

                stop.set(true);
                for (Future<Long> w : writers) {
                    sourceTransactions += w.get();
                }
                long transactions = sourceTransactions;
                reader.get();
                LOG.info("{} source transactions, {} consistency samples on the target", transactions, samples.get());
                assertTrue(transactions > 500, "the load ran: " + transactions);
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }

            TableDigest.awaitEqual(m, WAIT, TABLES);
            for (int i = 0; i < TABLES.length; i += 2) {
                TableDigest.assertEqual(m, TABLES[i], TABLES[i + 1]);
            }
            assertTrue(samples.get() > 20, "the reader sampled the target: " + samples.get());
            assertEquals(List.of(), violations, "a reader of the target saw balance sums disagree");
            assertAppliedOnce(m, sourceTransactions);
        }
    }

    /**
     * Debezium re-sends what it had not flushed after a crash: whole transactions that were already
     * applied, and the first part of a transaction followed by BEGIN and the same transaction again.
     * Copies of such records appended to the topic must change nothing on the target.
     */
    @Test
    void transactionsDeliveredAgainAreAppliedOnce(TestEnvironment env) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(2, 100);
        try (Migration m = new Migration(env, "resent")) {
            TpcbMigration.start(m, tpcb, Map.of(), WAIT);
            m.targetSql(INSERT_COUNTER);

            long sourceTransactions = runLoad(tpcb, m, Duration.ofSeconds(3));
            TableDigest.awaitEqual(m, WAIT, TABLES);
            m.connect().pause(m.sourceConnector());
            Eventually.await(WAIT, "source PAUSED", () -> "PAUSED".equals(
                    m.connect().status(m.sourceConnector()).path("connector").path("state").asText()));

            try (ChangeTopic topic = new ChangeTopic(env.bootstrapServers(), m.changesTopic())) {
                List<ChangeTopic.Message> all = topic.readToEnd(WAIT);
                List<Long> begins = all.stream().filter(x -> x.isTransactionMarker()
                        && "BEGIN".equals(x.payload().path("status").asText())).map(ChangeTopic.Message::offset).toList();
                assertTrue(begins.size() > 20, "enough transactions in the topic: " + begins.size());
                long from = begins.get(begins.size() - 20);
                long last = all.get(all.size() - 1).offset();
                ChangeTopic.reappend(env.bootstrapServers(), m.changesTopic(), from, from + 2); // BEGIN and two changes
                ChangeTopic.reappend(env.bootstrapServers(), m.changesTopic(), from, last);     // then everything again
            }
            m.connect().resume(m.sourceConnector());
            m.awaitRunning(m.sourceConnector());
            sourceTransactions += runLoad(tpcb, m, Duration.ofSeconds(2));
            TableDigest.awaitEqual(m, WAIT, TABLES);
            assertAppliedOnce(m, sourceTransactions);
        }
    }

    private static long runLoad(TpcbWorkload tpcb, Migration m, Duration duration) throws Exception {
        long until = System.nanoTime() + duration.toNanos();
        return tpcb.run(m::openSource, () -> System.nanoTime() > until, 200);
    }

    /** The target's trigger saw each streamed history row inserted once, and the sink counted each source transaction once. */
    private static void assertAppliedOnce(Migration m, long sourceTransactions) throws SQLException {
        try (Connection dst = m.target(); Statement s = dst.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT hid), (SELECT count(*) FROM pgbench_history),"
                     + " (SELECT transactions FROM warp.sink_progress) FROM history_inserts")) {
            rs.next();
            assertEquals(rs.getLong(3), rs.getLong(1), "every streamed history row inserted exactly once");
            assertEquals(rs.getLong(1), rs.getLong(2), "no history row inserted twice");
            assertEquals(sourceTransactions, rs.getLong(4), "source transactions applied, as counted in warp.sink_progress");
        }
    }

}
