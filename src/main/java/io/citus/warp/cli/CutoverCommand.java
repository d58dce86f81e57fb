package io.citus.warp.cli;

import io.citus.warp.migration.FindingsException;
import io.citus.warp.cutover.Cutover;
import io.citus.warp.basecopy.BaseCopyProgress;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.lock.RunLock;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.status.StatusProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"The switch-over. Waits until the sink has drained the topic; installs a write fence on the source: a",
                "trigger on every migrated table (and partition, also one created later) that raises on INSERT/UPDATE/DELETE/TRUNCATE",
                "for every role and session (session_replication_role = replica too), created under a lock that waits for (or, with",
                "--terminate-sessions, ends) every open write transaction;",
                "takes the source WAL position after the fence and waits until it is proven applied; moves every sequence the tables",
                "use past the source's (never backwards); verifies; and only then prints \"point your application at the target now\".",
                "Any failure after the fence removes it again (the source is writable) or prints exactly how to. See docs/warp-cli.md."})
public final class CutoverCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Mixin
    CutoverOptions cutover = new CutoverOptions();

    @Override
    public Integer call() throws Exception {
        PgEndpoint source = settings.sourceEndpoint();
        PgEndpoint target = settings.targetEndpoint();
        if (settings.connectUrl() == null || settings.bootstrapServers() == null) {
            throw new ParameterException(spec.commandLine(), "cutover needs --connect-url and --bootstrap-servers (or use warp migrate --cutover)");
        }
        // Refused while another run of this migration (a start copying, a finish) is in progress, and vice versa.
        try (RunLock lock = RunLock.acquire(source, settings.names().slot(), "cutover")) {
            refuseUnfinishedBaseCopy(target, settings.names(), settings.progressSchema());
            MigrationPlan plan = settings.plan();
            try (StatusProbe probe = new StatusProbe(settings.connectClient(), settings.kafka(), plan)) {
                return run(probe, plan, cutover.options(), settings.json(), spec.commandLine().getOut());
            }
        }
    }

    /**
     * A base copy that is recorded unfinished while no start runs (this run holds the lock) was interrupted: it will never
     * finish by itself, and the sink holds the stream until it has. Waiting for it would only end in a timeout.
     */
    static void refuseUnfinishedBaseCopy(PgEndpoint target, MigrationNames names, String progressSchema)
            throws java.sql.SQLException {
        try (java.sql.Connection t = target.connect()) {
            if (new BaseCopyProgress(progressSchema).unfinished(t, names.slot())) {
                throw new FindingsException("refusing to cut over: the base copy for slot " + names.slot()
                        + " is recorded unfinished on the target and no `warp start` is running, so it was interrupted (the sink"
                        + " holds every change until it has finished). Run `warp start` again with the same options: it starts the"
                        + " copy over. Nothing was changed.");
            }
        }
    }

    static int run(StatusProbe probe, MigrationPlan plan, Cutover.Options options, boolean json, PrintWriter out) throws Exception {
        PrintWriter progress = json ? new PrintWriter(new StringWriter()) : out;
        Cutover.Result result;
        try {
            result = Cutover.run(probe, plan, options, progress);
        } catch (Cutover.FailedAfterFence e) {
            return failed(out, json, e);
        }
        if (json) {
            Output.json(out, result);
        }
        return Warp.OK;
    }

    /** Reports a failed cutover, with the fence's state and undo statements, in text or JSON; returns the exit code. */
    static int failed(PrintWriter out, boolean json, Cutover.FailedAfterFence e) {
        Cutover.FenceReport fence = e.fence();
        boolean differences = e.getCause() != null && String.valueOf(e.getCause().getMessage()).startsWith("the final verify found");
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", false);
            m.put("error", Failures.describe(e));
            m.put("fence", fence);
            Output.json(out, m);
        } else {
            out.println("cutover FAILED: " + Failures.describe(e));
            if (fence.installed() && !"removed".equals(fence.state())) {
                out.println("the write fence is " + fence.state() + "; to make the source writable again run on the source:");
                fence.undo().forEach(u -> out.println("  " + u + ";"));
            }
            out.flush();
        }
        return differences ? Warp.FINDINGS : Warp.FAILURE;
    }
}
