package io.citus.warp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this JVM. Everything (Kafka broker, Connect worker, Debezium, both sinks, the load and the
 * samplers) shares it, so the process figure is an upper bound for one sink; the per-connector figure
 * counts only the threads Connect names after the connector (its task thread, where a sink's put() runs).
 */
public final class CpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuMeter() {
    }

    /** Process CPU time (user + system) in nanoseconds, or -1 where the JVM cannot tell. */
    public static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Summed CPU time of the live threads whose name contains {@code fragment}, in nanoseconds. */
    public static long threadsNanos(String fragment) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            return -1;
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(fragment)) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    total += t;
                }
            }
        }
        return total;
    }

    /** A start point for both measures. */
    public record Mark(long process, long connector, String fragment) {
        public static Mark now(String connectorThreadFragment) {
            return new Mark(processNanos(), threadsNanos(connectorThreadFragment), connectorThreadFragment);
        }

        /** Process CPU nanoseconds since this mark. */
        public long processSince() {
            return process < 0 ? -1 : processNanos() - process;
        }

        /** CPU nanoseconds of the connector's threads since this mark. */
        public long connectorSince() {
            return connector < 0 ? -1 : threadsNanos(fragment) - connector;
        }
    }
}
