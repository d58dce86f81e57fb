package io.citus.warp.cli;

import io.citus.warp.common.TableMapping;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.status.ProgressLocation;
import io.citus.warp.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares every table on source and target: row counts, and an md5 checksum of the rows in primary-key order,",
                "chunk by chunk (chunk boundaries are every N-th key of the source, so it scales and reports where tables differ).",
                "It can run while replication continues: a differing chunk is read again (--rechecks) before it counts, and a",
                "difference that persists while the sink is still catching up is reported as such - verify after cutover to be sure.",
                "Lists the differing key ranges; exit 1 on any difference."})
public final class VerifyCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Keys per chunk (default: ${DEFAULT-VALUE}).")
    int chunkSize = 10_000;

    @Option(names = "--rechecks", paramLabel = "N", description = "Times a differing chunk is read again, a second apart, before it counts (default: ${DEFAULT-VALUE}).")
    int rechecks = 3;

    @Override
    public Integer call() throws Exception {
        MigrationPlan plan = settings.plan();
        // Where the sink writes each table: the deployed sink's mapping, when Connect is given (else the source's names).
        ConnectClient connect = settings.connectClient();
        TableMapping mapping = ProgressLocation.resolve(connect, settings.names(), settings.progressSchema()).mapping();
        Verification.Result result = Verification.run(plan.source(), plan.target(), plan.tables(), mapping, chunkSize,
                rechecks);
        if (settings.json()) {
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Verification.print(spec.commandLine().getOut(), result);
            Tables.createdAfterStart(plan).ifPresent(line -> spec.commandLine().getOut().println(line));
        }
        return result.equal() ? Warp.OK : Warp.FINDINGS;
    }
}
