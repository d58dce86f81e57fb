package io.citus.warp.cli;

import io.citus.warp.cutover.Cutover;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The options of the switch-over, shared by {@code warp cutover} and {@code warp migrate --cutover}: one declaration,
 * one default each (they drifted apart when declared twice).
 */
public final class CutoverOptions {
    /** How long cutover waits before the fence, and migrate waits to catch up (writes go on meanwhile). */
    static final long DEFAULT_TIMEOUT_SECONDS = 3600;

    @Option(names = "--no-fence", description = "Do not fence writes: a point-in-time sync, not a cutover (writes after it may be missing).")
    boolean noFence;

    @Option(names = "--block-writes", hidden = true, description = "Accepted for compatibility: the write fence is the default.")
    boolean blockWrites;

    @Option(names = "--terminate-sessions", description = "Terminate sessions whose open transactions still hold write locks on the migrated tables after --writer-grace (their uncommitted work rolls back); without it cutover waits up to --fence-timeout, then fails with nothing changed.")
    boolean terminateSessions;

    @Option(names = "--writer-grace", paramLabel = "SECONDS", description = "With --terminate-sessions: how long open write transactions may finish first (default: ${DEFAULT-VALUE}).")
    long writerGraceSeconds = 5;

    @Option(names = "--fence-timeout", paramLabel = "SECONDS", description = "Fail if open write transactions keep the fence out this long (default: ${DEFAULT-VALUE}).")
    long fenceTimeoutSeconds = 60;

    @Option(names = "--sequence-margin", paramLabel = "N", description = "Steps added to each source sequence's next value (default: ${DEFAULT-VALUE}).")
    long sequenceMargin = 1000;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting until caught up, before the fence, after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

    @Option(names = "--fenced-timeout", paramLabel = "SECONDS", description = "With writes fenced: give up waiting until the position taken after the fence is applied after this long, and remove the fence (default: ${DEFAULT-VALUE}).")
    long fencedTimeoutSeconds = 600;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Verify chunk size (default: ${DEFAULT-VALUE}).")
    int chunkSize = 10_000;

    private Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    Cutover.Options options() {
        return options(timeout(), chunkSize);
    }

    /** These options with another wait and verify chunk size (the demo's: a small database on one machine). */
    Cutover.Options options(Duration timeout, int verifyChunkSize) {
        return new Cutover.Options(!noFence, terminateSessions, Duration.ofSeconds(writerGraceSeconds),
                Duration.ofSeconds(fenceTimeoutSeconds), sequenceMargin, timeout, Duration.ofSeconds(Math.min(fencedTimeoutSeconds, timeout.toSeconds())),
                verifyChunkSize);
    }
}
