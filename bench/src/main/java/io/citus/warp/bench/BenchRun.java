package io.citus.warp.bench;

import java.time.Duration;

/** What every scenario of one run shares: the servers, the connectors, the databases, the options and the results. */
public record BenchRun(BenchEnvironment env, Connectors connectors, BenchOptions options, BenchResults results,
                       String sourceDatabase, String warpDatabase, String peerDatabase) {
    public static final String WARP = "warp-sink";
    public static final String PEER = "peer-sink";

    /** Connect names a sink task's thread task-thread-{connector}-{task}. */
    public static String taskThread(String connector) {
        return "task-thread-" + connector + "-";
    }

    public Duration timeout() {
        return Duration.ofSeconds(options.timeoutSeconds);
    }
}
