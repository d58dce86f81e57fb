package io.citus.warp.basecopy.connect;

import io.citus.warp.basecopy.CopyFailure;
import io.citus.warp.basecopy.CopyWorker;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * One copy stream: a thin adapter from Connect's poll loop to {@link CopyWorker}. Each poll copies one range (or waits a
 * second when there is nothing to claim) and returns no records. A lost connection is retried; a range that fails for
 * another reason fails the task with the table, the range and what to do, and nothing of that range is on the target.
 */
public final class BaseCopyTask extends SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyTask.class);
    /** While the copy is pending or running and nothing can be claimed: look again soon (one indexed read). */
    private static final long WAIT_MS = 250;
    /** Once the copy has finished: nothing more will come, the task only idles until it is deleted. */
    private static final long IDLE_MS = 5_000;
    private static final long RETRY_LIMIT_MS = 600_000;

    private final Object lock = new Object();
    private CopyWorker worker;
    private String name;
    private boolean stopping;
    private boolean busy;
    private boolean finished;
    private long failingSince = -1;

    @Override
    public void start(Map<String, String> props) {
        BaseCopyConfig config = new BaseCopyConfig(props);
        name = props.getOrDefault("name", "base-copy") + " task " + props.getOrDefault(BaseCopyConfig.TASK_NUMBER, "?");
        worker = new CopyWorker(config.source(), config.target(), config.progressSchema(), config.slot(),
                config.options(1).binary(), name);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        synchronized (lock) {
            if (stopping) {
                return null;
            }
            busy = true;
        }
        CopyWorker.Step step = CopyWorker.Step.WAIT;
        try {
            if (!finished) {
                step = worker.step();
                failingSince = -1;
                if (step == CopyWorker.Step.FINISHED) {
                    finished = true;
                    LOG.info("{}: the base copy has finished; this task copied {}", name, worker.summary());
                }
            }
        } catch (CopyFailure e) {
            if (!e.transientFailure()) {
                throw new ConnectException(e.getMessage() + ". Nothing of this range is on the target. Fix the cause, then restart"
                        + " this task (POST /connectors/<name>/tasks/<id>/restart): the range is copied again. A table rewritten"
                        + " after the snapshot needs a new snapshot: restart the connector with its tasks"
                        + " (POST /connectors/<name>/restart?includeTasks=true), which starts the copy over.");
            }
            retryLater(e.getMessage());
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (!(state.startsWith("08") || state.startsWith("57P") || state.startsWith("40"))) {
                throw new ConnectException(name + ": the base copy cannot go on [SQLSTATE " + state + "]: "
                        + io.citus.warp.common.ValueRedaction.redact(e.getMessage()));
            }
            retryLater("SQLSTATE " + state);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectException(name + ": " + e.getMessage(), e);
        } finally {
            synchronized (lock) {
                busy = false;
                if (stopping) {
                    worker.close();
                }
            }
        }
        if (step != CopyWorker.Step.COPIED) {
            synchronized (lock) {
                if (!stopping) {
                    lock.wait(finished ? IDLE_MS : WAIT_MS);
                }
            }
        }
        return null;
    }

    /** A lost connection or a restarting server: the range was rolled back; try again, for up to ten minutes. */
    private void retryLater(String why) {
        worker.close();
        long now = System.currentTimeMillis();
        failingSince = failingSince < 0 ? now : failingSince;
        if (now - failingSince > RETRY_LIMIT_MS) {
            throw new ConnectException(name + ": the base copy kept failing for " + RETRY_LIMIT_MS / 1000 + " s: " + why);
        }
        LOG.warn("{}: {}; trying again", name, why);
    }

    @Override
    public void stop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
            if (!busy && worker != null) {
                worker.close();
            }
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
