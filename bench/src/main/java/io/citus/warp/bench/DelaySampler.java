package io.citus.warp.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replication delay as a reader of the target sees it, measured the same way for every sink: at each
 * sample, now minus the source time stamp ({@code mtime = now()} of the source transaction) of the newest
 * history row visible on the target. Both clocks are the servers' (clock_timestamp() on the target,
 * now() on the source): one machine here, so one clock. mtime is the source transaction's start; its
 * commit follows within a millisecond or two, so the figure slightly overstates the delay.
 */
public final class DelaySampler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DelaySampler.class);
    // The newest rows by hid: concurrent source transactions commit slightly out of hid order.
    private static final String QUERY = "SELECT extract(epoch FROM clock_timestamp()) * 1000, extract(epoch FROM max(mtime)::timestamptz) * 1000"
            + " FROM (SELECT mtime FROM pgbench_history ORDER BY hid DESC LIMIT 64) newest";

    private final BenchEnvironment.Server server;
    private final String database;
    private final long intervalMillis;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Double> samples = new ArrayList<>();
    private volatile boolean recording;
    /** Wall-clock ms at which recording began (same machine, same clock as the servers'). */
    private volatile long recordingSince;
    private Thread thread;

    public DelaySampler(BenchEnvironment.Server server, String database, long intervalMillis) {
        this.server = server;
        this.database = database;
        this.intervalMillis = intervalMillis;
    }

    public DelaySampler start(String name) {
        thread = new Thread(this, "delay-sampler-" + name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Samples are kept only while recording (during the load), not while the sink catches up afterwards. */
    public void recording(boolean on) {
        recordingSince = System.currentTimeMillis();
        recording = on;
    }

    @Override
    public void run() {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            long next = System.nanoTime();
            while (!stop.get()) {
                try (ResultSet rs = s.executeQuery(QUERY)) {
                    rs.next();
                    double now = rs.getDouble(1);
                    double newest = rs.getDouble(2);
                    // Until the first transaction of the load is visible, the newest row is older than the load: the
                    // delay then is at most the time since the load began (its first transaction is the oldest missing).
                    double ms = now - Math.max(newest, recordingSince);
                    if (!rs.wasNull() && recording) {
                        synchronized (samples) {
                            samples.add(ms);
                        }
                    }
                }
                next += intervalMillis * 1_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (SQLException e) {
            LOG.error("delay sampler on {} failed", database, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Percentiles stop() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
        synchronized (samples) {
            return Percentiles.of(samples);
        }
    }
}
