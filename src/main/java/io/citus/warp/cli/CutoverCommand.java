package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.cutover.Cutover;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.status.StatusProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"The switch-over: waits until the sink has caught up; with --block-writes makes the source database",
                "read-only for new sessions (ALTER DATABASE ... SET default_transaction_read_only = on; undo: ALTER DATABASE ...",
                "RESET default_transaction_read_only) and waits for in-flight transactions; takes the source's WAL position and waits",
                "until it is applied (sink commit LSN or slot confirmed position past it, with every Kafka record applied); sets every",
                "sequence of the migrated tables on the target to the source's value plus --sequence-margin; runs a final verify;",
                "and prints \"point your application at the target now\". Exit 1 if the final verify finds differences."})
public final class CutoverCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--block-writes", description = "Make the source read-only for new sessions before the final sync (reversible, printed).")
    boolean blockWrites;

    @Option(names = "--terminate-sessions", description = "With --block-writes, also terminate existing client sessions of the source database.")
    boolean terminateSessions;

    @Option(names = "--sequence-margin", paramLabel = "N", description = "Added to each source sequence value (default: ${DEFAULT-VALUE}).")
    long sequenceMargin = 1000;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 600;

    @Option(names = "--settle", paramLabel = "SECONDS", description = "When no captured change follows the final position, how long the topic must stay applied (default: ${DEFAULT-VALUE}).")
    long settleSeconds = 15;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Verify chunk size (default: ${DEFAULT-VALUE}).")
    int chunkSize = 10_000;

    @Override
    public Integer call() throws Exception {
        PgEndpoint source = settings.sourceEndpoint();
        PgEndpoint target = settings.targetEndpoint();
        if (settings.connectUrl() == null || settings.bootstrapServers() == null) {
            throw new ParameterException(spec.commandLine(), "cutover needs --connect-url and --bootstrap-servers (or use warp migrate --cutover)");
        }
        try (StatusProbe probe = new StatusProbe(new ConnectClient(URI.create(settings.connectUrl())), settings.bootstrapServers(),
                source, target, settings.names(), settings.progressSchema(), Tables.resolve(settings, source))) {
            return run(probe, source, target, options(), settings, spec.commandLine().getOut());
        }
    }

    Cutover.Options options() {
        return new Cutover.Options(blockWrites, terminateSessions, sequenceMargin, Duration.ofSeconds(timeoutSeconds),
                Duration.ofSeconds(settleSeconds), chunkSize);
    }

    static int run(StatusProbe probe, PgEndpoint source, PgEndpoint target, Cutover.Options options, MigrationSettings settings,
                   PrintWriter out) throws Exception {
        PrintWriter progress = settings.json() ? new PrintWriter(new StringWriter()) : out;
        Cutover.Result result = Cutover.run(probe, source, target, Tables.resolve(settings, source), options, progress);
        if (settings.json()) {
            Output.json(out, result);
        }
        return result.verify().equal() ? Warp.OK : Warp.FINDINGS;
    }
}
