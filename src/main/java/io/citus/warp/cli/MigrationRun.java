package io.citus.warp.cli;

import io.citus.warp.cutover.Cutover;
import io.citus.warp.cutover.Teardown;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.lock.RunLock;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.common.TableName;
import io.citus.warp.preflight.Finding;
import io.citus.warp.preflight.Preflight;
import io.citus.warp.runtime.ConnectRuntime;
import io.citus.warp.runtime.ConnectorStreaming;
import io.citus.warp.runtime.Deployer;
import io.citus.warp.runtime.Deployment;
import io.citus.warp.schema.SchemaCopy;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.StatusView;
import io.citus.warp.status.Verdict;
import io.citus.warp.verify.Verification;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code warp migrate}'s steps, shared with {@code warp demo}: check, schema, start, wait, verify, [cutover, finish]. */
final class MigrationRun {
    /** How a run went, for reports. */
    record Outcome(int exitCode, long snapshotMillis, long catchUpMillis, Verification.Result verify, Cutover.Result cutover,
                   MigrationStatus lastStatus, Cutover.FenceReport failedFence, String failure) {
        Outcome(int exitCode, long snapshotMillis, long catchUpMillis, Verification.Result verify, Cutover.Result cutover,
                MigrationStatus lastStatus) {
            this(exitCode, snapshotMillis, catchUpMillis, verify, cutover, lastStatus, null, null);
        }
    }

    /** @param cutoverOptions the switch-over's, and its timeout also bounds the wait until caught up */
    record Options(boolean createSchema, boolean cutover, Cutover.Options cutoverOptions,
                   Map<String, String> sourceOverrides, Map<String, String> sinkOverrides, Runnable beforeCutover,
                   Map<TableName, String> distribute, List<TableName> reference,
                   InitialLoadOptions initialLoad) {
    }

    private MigrationRun() {
    }

    static Outcome run(MigrationPlan plan, ConnectRuntime runtime, Options o, PrintWriter out) throws Exception {
        // The whole run holds the migration's lock: no start, cutover or finish of the same migration runs meanwhile.
        try (RunLock lock = RunLock.acquire(plan.source(), plan.names().slot(), "migrate")) {
            return runLocked(plan, runtime, o, out);
        }
    }

    private static Outcome runLocked(MigrationPlan plan, ConnectRuntime runtime, Options o, PrintWriter out) throws Exception {
        PgEndpoint source = plan.source();
        PgEndpoint target = plan.target();
        MigrationNames names = plan.names();
        List<TableName> tables = plan.tables();
        out.println("== check");
        List<Finding> findings = CheckCommand.run(plan, runtime.client(), runtime.isEmbedded(), o.createSchema(),
                !o.initialLoad().baseCopy());
        Output.findings(out, findings);
        if (Preflight.hasBlocker(findings)) {
            out.println("blockers found: nothing started");
            out.flush();
            return new Outcome(Warp.FINDINGS, -1, -1, null, null, null);
        }
        if (o.createSchema()) {
            out.println("== schema");
            SchemaCopy.Result schema = SchemaCopy.run(source, target, tables, SchemaCopy.DdlSource.AUTO, o.distribute(), o.reference(),
                    false);
            schema.warnings().forEach(w -> out.println("WARN  " + w));
            out.println("DDL from " + schema.ddlSource() + "; created " + schema.created().size() + " table(s)");
        }
        // Snapshot and catch-up times count from the start of the initial load, whichever path it takes.
        long t0 = System.nanoTime();
        Map<String, String> sinkSettings = o.initialLoad().sinkOverrides(names, o.sinkOverrides());
        Deployment deployment = Deployment.of(plan, o.initialLoad().sourceOverrides(o.sourceOverrides()), sinkSettings,
                runtime.kafka(), true);
        List<String> errors = new java.util.ArrayList<>(deployment.captureErrors(source));
        errors.addAll(Deployer.validateBoth(runtime.client(), names.sourceConnector(), deployment.sourceConfig(),
                names.sinkConnector(), deployment.sinkConfig()));
        if (!errors.isEmpty()) {
            out.println("validation failed; nothing deployed:");
            errors.forEach(e -> out.println("  " + e));
            out.flush();
            return new Outcome(Warp.FINDINGS, -1, -1, null, null, null);
        }
        out.println(o.initialLoad().baseCopy() ? "== base copy" : "== start");
        ConnectorStreaming streaming = new ConnectorStreaming(runtime.client(), deployment,
                names.sourceConnector(), names.sinkConnector(), line -> {
                    out.println(line);
                    out.flush();
                }).creatingTopic(runtime.kafka(), names.topic());
        if (o.initialLoad().inConnect()) {
            streaming.withBaseCopy(names.copyConnector(), deployment.baseCopyConfig(o.initialLoad().copyOptions()));
        }
        o.initialLoad().load(plan, sinkSettings, streaming, out);
        out.flush();
        long[] snapshotDone = {-1};
        long[] lastPrint = {0};
        try (StatusProbe probe = new StatusProbe(runtime.client(), runtime.kafka(), plan)) {
            out.println("== waiting until caught up");
            MigrationStatus caughtUp = io.citus.warp.cutover.CaughtUp.await(probe, o.cutoverOptions().timeout(), Duration.ofSeconds(1), s -> {
                if (snapshotDone[0] < 0 && s.verdict() != Verdict.SNAPSHOTTING && s.verdict() != Verdict.NOT_DEPLOYED) {
                    snapshotDone[0] = System.nanoTime() - t0;
                }
                if (System.nanoTime() - lastPrint[0] > 5_000_000_000L) {
                    lastPrint[0] = System.nanoTime();
                    out.println(oneLine(s));
                    out.flush();
                }
            });
            long catchUp = System.nanoTime() - t0;
            out.print(StatusView.render(caughtUp));
            out.println("== verify");
            Verification.Result verify = Verification.run(source, target, tables, probe.mapping(), o.cutoverOptions().chunkSize(), 5);
            Verification.print(out, verify);
            if (!verify.equal()) {
                out.println("(replication is live: rows still being written differ until their changes are applied;"
                        + " the verify after cutover, with writes stopped, is the one that counts)");
            }
            if (!o.cutover()) {
                if (runtime.isEmbedded()) {
                    out.println("replication keeps running in this process (embedded Kafka and Connect); Ctrl-C stops it."
                            + " Use --cutover to switch over and finish in one run.");
                    out.flush();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(30_000);
                        out.println(oneLine(probe.probe()));
                        out.flush();
                    }
                }
                return new Outcome(verify.equal() ? Warp.OK : Warp.FINDINGS, snapshotDone[0] / 1_000_000, catchUp / 1_000_000,
                        verify, null, caughtUp);
            }
            if (o.beforeCutover() != null) {
                o.beforeCutover().run();
            }
            out.println("== cutover");
            Cutover.Result cutover;
            try {
                cutover = Cutover.run(probe, plan, o.cutoverOptions(), out);
            } catch (Cutover.FailedAfterFence e) {
                // Nothing is torn down: replication goes on, the slot keeps every change since.
                int code = CutoverCommand.failed(out, false, e);
                out.println("connectors, slot and publication left in place");
                out.flush();
                return new Outcome(code, snapshotDone[0] / 1_000_000, catchUp / 1_000_000, verify, null, probe.probe(), e.fence(),
                        Failures.describe(e));
            }
            MigrationStatus last = probe.probe();
            out.println("== finish");
            Teardown.run(runtime.client(), runtime.kafka(), source, target, names,
                    new Teardown.Options(false, false, plan.progressSchema(), false)).forEach(out::println);
            out.flush();
            return new Outcome(Warp.OK, snapshotDone[0] / 1_000_000, catchUp / 1_000_000, verify, cutover, last);
        }
    }

    static String oneLine(MigrationStatus s) {
        StringBuilder b = new StringBuilder("   ").append(String.format("%-13s", s.verdict().label()));
        for (MigrationStatus.TableSnapshot t : s.snapshot()) {
            if (!t.completed()) {
                b.append(' ').append(t.table()).append(' ').append(StatusView.bar(t.fraction()));
            }
        }
        if (s.lag() != null) {
            b.append("  lag ").append(s.lag());
        }
        if (s.sink() != null) {
            b.append("  applied ").append(s.sink().transactions()).append(" tx");
        }
        return b.toString();
    }

    static Map<String, Object> summary(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exitCode", o.exitCode());
        m.put("snapshotMillis", o.snapshotMillis());
        m.put("catchUpMillis", o.catchUpMillis());
        m.put("verify", o.verify());
        m.put("cutover", o.cutover());
        if (o.failure() != null) {
            m.put("error", o.failure());
            m.put("fence", o.failedFence());
        }
        return m;
    }
}
