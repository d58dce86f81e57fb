package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.StatusView;
import io.citus.warp.status.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Where the migration is: connector and task states (with the error trace of a failure), snapshot progress",
                "per table (rows loaded vs the source's estimate), the sink's Kafka lag (group connect-<sink>, via Kafka Admin),",
                "the slot's retained WAL on the source, the replication delay (age of the newest applied source commit while",
                "behind; 0 when caught up), and a verdict: SNAPSHOTTING, CATCHING UP, CAUGHT UP or FAILED (or NOT DEPLOYED), or",
                "NOT CAPTURED when the publication or Debezium's table filter leaves out a migrated table (its changes would be lost).",
                "Exit 0 when CAUGHT UP, 1 otherwise (3 when FAILED or NOT CAPTURED)."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "5",
            description = "Refresh every SECONDS (default 5) until interrupted.")
    Integer watch;

    @Override
    public Integer call() throws Exception {
        MigrationPlan plan = settings.plan();
        ConnectClient client = settings.connectClient();
        PrintWriter out = spec.commandLine().getOut();
        try (StatusProbe probe = new StatusProbe(client, settings.kafka(), plan)) {
            while (true) {
                MigrationStatus status = probe.probe();
                if (settings.json()) {
                    Output.json(out, status);
                } else {
                    if (watch != null) {
                        out.print("\033[H\033[2J");
                    }
                    out.print(StatusView.render(status));
                    SourceState.describe(plan).forEach(out::println);
                    out.flush();
                }
                if (watch == null) {
                    return exitCode(status.verdict());
                }
                Thread.sleep(watch * 1000L);
            }
        }
    }

    static int exitCode(Verdict v) {
        return switch (v) {
            case CAUGHT_UP -> Warp.OK;
            case FAILED, NOT_CAPTURED -> Warp.FAILURE;
            default -> Warp.FINDINGS;
        };
    }
}
