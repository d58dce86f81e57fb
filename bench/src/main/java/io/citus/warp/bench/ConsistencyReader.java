package io.citus.warp.bench;

import io.citus.warp.workload.TpcbWorkload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reader of one target that keeps reading the three TPC-B balance sums in one statement (one snapshot)
 * and counts the samples in which they disagree: a state that never existed on the source.
 */
public final class ConsistencyReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyReader.class);

    private final BenchEnvironment.Server server;
    private final String database;
    private final long pauseMillis;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();
    private volatile String firstViolation;
    private Thread thread;

    public ConsistencyReader(BenchEnvironment.Server server, String database, long pauseMillis) {
        this.server = server;
        this.database = database;
        this.pauseMillis = pauseMillis;
    }

    public ConsistencyReader start(String name) {
        thread = new Thread(this, "consistency-reader-" + name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    public void run() {
        try (Connection c = server.connect(database)) {
            c.setAutoCommit(true);
            while (!stop.get()) {
                long[] sums = TpcbWorkload.balanceSums(c);
                samples.incrementAndGet();
                if (!TpcbWorkload.consistent(sums)) {
                    if (violations.getAndIncrement() == 0) {
                        firstViolation = sums[0] + "/" + sums[1] + "/" + sums[2];
                    }
                }
                Thread.sleep(pauseMillis);
            }
        } catch (SQLException e) {
            LOG.error("consistency reader on {} failed", database, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public record Result(long samples, long violations, String firstViolation) {
    }

    public Result stop() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
        return new Result(samples.get(), violations.get(), firstViolation);
    }
}
