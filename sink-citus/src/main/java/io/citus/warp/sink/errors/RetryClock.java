package io.citus.warp.sink.errors;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * How long the task keeps retrying a target that fails transiently: Connect's way, a {@link RetriableException} after
 * {@code context.timeout(backoff)} (Connect hands the same records to put() again after the pause), until the failures
 * have lasted longer than {@code retry.timeout.ms} since the first one; then the task fails. A success starts the clock
 * again.
 */
public final class RetryClock {
    private static final Logger LOG = LoggerFactory.getLogger(RetryClock.class);

    private final SinkTaskContext context;
    private final long timeoutMs;
    private final long backoffMs;
    private final Clock clock;
    private long deadline = -1;

    public RetryClock(SinkTaskContext context, long timeoutMs, long backoffMs, Clock clock) {
        this.context = context;
        this.timeoutMs = timeoutMs;
        this.backoffMs = backoffMs;
        this.clock = clock;
    }

    /** The target took the work: the next failure starts the clock again. */
    public void succeeded() {
        deadline = -1;
    }

    /**
     * A transient failure: asks Connect to call again after the backoff.
     *
     * @param notApplied what was not applied, for the message when the task gives up (e.g. "after Kafka offset [41]")
     * @return the exception to throw from put()
     * @throws ConnectException when the target has kept failing for longer than the timeout: the task fails
     */
    public RetriableException retry(ApplyException e, String notApplied) {
        long now = clock.millis();
        if (deadline < 0) {
            deadline = now + timeoutMs;
        }
        if (now > deadline) {
            throw new ConnectException("The target kept failing for " + timeoutMs / 1000 + " s (retry.timeout.ms); nothing "
                    + notApplied + " was applied. Last error: " + e.getMessage(), e);
        }
        LOG.warn("{}; retrying in {} ms", e.getMessage(), backoffMs);
        context.timeout(backoffMs);
        return new RetriableException(e.getMessage(), e);
    }
}
