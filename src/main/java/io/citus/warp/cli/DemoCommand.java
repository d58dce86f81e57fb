package io.citus.warp.cli;

import io.citus.warp.cutover.SequenceSync;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.demo.SampleDatabase;
import io.citus.warp.embedded.LocalPostgres;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.runtime.ConnectRuntime;
import io.citus.warp.status.MigrationStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows a whole migration with nothing installed but a JDK: starts a source and a target PostgreSQL and a Kafka",
                "broker in this process and a Connect worker in a child JVM from Kafka's jars only (as on a cluster), creates a",
                "small pgbench-like bank (branches, tellers, accounts, history), runs a write load on the source while it migrates,",
                "shows status, cuts over (writes blocked, sequences set), verifies, and prints a short report. Exit 0 when the",
                "target equals the source."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--accounts", paramLabel = "N", description = "Accounts per branch (default: ${DEFAULT-VALUE}).")
    int accountsPerBranch = 1000;

    @Option(names = "--branches", paramLabel = "N", description = "Branches (default: ${DEFAULT-VALUE}).")
    int branches = 5;

    @Option(names = "--load-seconds", paramLabel = "S", description = "The write load runs until the cutover, and at least this long (default: ${DEFAULT-VALUE}).")
    long loadSeconds = 20;

    @Option(names = "--write-pause", paramLabel = "MS", description = "Pause between the load's transactions (default: ${DEFAULT-VALUE}).")
    long writePause = 20;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        out.println("starting embedded source and target PostgreSQL...");
        out.flush();
        try (LocalPostgres sourceServer = LocalPostgres.start(); LocalPostgres targetServer = LocalPostgres.start()) {
            sourceServer.createDatabase("bank");
            targetServer.createDatabase("bank");
            PgEndpoint source = PgEndpoint.parse(sourceServer.jdbcUrl("bank") + "?user=" + sourceServer.user());
            PgEndpoint target = PgEndpoint.parse(targetServer.jdbcUrl("bank") + "?user=" + targetServer.user());
            try (Connection c = source.connect()) {
                SampleDatabase.create(c, branches, accountsPerBranch);
            }
            out.printf("source %s: %d branches, %d tellers, %d accounts, 500 history rows; target %s: empty%n", source, branches,
                    branches * 10, branches * accountsPerBranch, target);
            // The Connect worker runs on this machine: it reaches the databases as warp does, and reads the passwords from
            // the secrets file warp writes under ~/.warp.
            MigrationPlan plan = new MigrationPlan(new MigrationNames("demo"), source, target, source, target, null,
                    SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, TableName.parseList(SampleDatabase.TABLES));

            Connection writerConnection = source.connect();
            SampleDatabase.Writer writer = new SampleDatabase.Writer(writerConnection, branches, branches * accountsPerBranch, writePause);
            Thread writerThread = new Thread(writer, "demo-writer");
            out.println("starting embedded Kafka and Connect...");
            out.flush();
            try (ConnectRuntime runtime = ConnectRuntime.embedded()) {
                writerThread.start();
                long loadStart = System.nanoTime();
                // The load runs until the cutover, so that changes stream while the copy and the catch-up run however slow
                // the machine is, and at least --load-seconds.
                out.println("write load running on the source until the cutover (at least " + loadSeconds
                        + " s; pgbench-like transactions)");
                Runnable stopLoad = () -> {
                    // The application stops writing before the switch-over.
                    sleep(Math.max(0, loadSeconds * 1000 - (System.nanoTime() - loadStart) / 1_000_000));
                    writer.stop();
                    join(writerThread);
                    out.println("write load stopped after " + writer.committed() + " transactions"
                            + (writer.failure() == null ? "" : " (" + writer.failure().getMessage() + ")"));
                    out.flush();
                };
                MigrationRun.Outcome outcome = MigrationRun.run(plan, runtime, options(stopLoad), out);
                writer.stop();
                join(writerThread);
                writerConnection.close();
                report(out, outcome, source, target, writer, t0);
                return outcome.exitCode();
            }
        }
    }

    /**
     * migrate --create-schema --cutover with the cutover's defaults but a 600 s wait and 1000-key verify chunks, no
     * connector overrides, no distribution plan (the target is PostgreSQL), the default initial load.
     */
    private static MigrationRun.Options options(Runnable stopLoad) {
        return new MigrationRun.Options(true, true, new CutoverOptions().options(Duration.ofSeconds(600), 1000), Map.of(), Map.of(),
                stopLoad, Map.of(), java.util.List.of(), new InitialLoadOptions());
    }

    private void report(PrintWriter out, MigrationRun.Outcome o, PgEndpoint source, PgEndpoint target, SampleDatabase.Writer writer,
                        long t0) throws Exception {
        out.println();
        out.println("== demo report");
        try (Connection s = source.connect(); Connection t = target.connect()) {
            for (String table : SampleDatabase.TABLES.split(",")) {
                out.printf("  %-18s source %,7d rows   target %,7d rows%n", table, Long.parseLong(Sql.one(s, "SELECT count(*) FROM " + table)),
                        Long.parseLong(Sql.one(t, "SELECT count(*) FROM " + table)));
            }
            // Read before finish removed the progress rows: the last status the run took.
            MigrationStatus.SinkProgress sink = o.lastStatus() == null ? null : o.lastStatus().sink();
            long copied = o.lastStatus() == null ? 0
                    : o.lastStatus().snapshot().stream().mapToLong(MigrationStatus.TableSnapshot::rowsApplied).sum();
            String applied = sink == null ? "no progress recorded (the sink applied nothing)"
                    : String.format("%,d transactions, %,d changes; %,d rows by the initial load", sink.transactions(), sink.changes(),
                            copied);
            out.printf("  load on the source:  %,d transactions during the migration%n", writer.committed());
            out.println("  applied by the sink: " + applied);
            out.printf("  snapshot done after %.1f s, caught up after %.1f s (from the start of the initial load)%n", o.snapshotMillis() / 1000.0,
                    o.catchUpMillis() / 1000.0);
            if (o.cutover() != null) {
                for (SequenceSync.SequenceSet q : o.cutover().sequences()) {
                    out.printf("  sequence %-28s source next %,d -> target next %,d%n", q.targetSequence(), q.sourceNext(),
                            q.targetNext());
                }
                out.println("  final verify: " + (o.cutover().verify().equal() ? "target equals source" : "DIFFERENCES"));
            }
        }
        out.printf("  total %.1f s; exit code %d%n", (System.nanoTime() - t0) / 1e9, o.exitCode());
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
