package io.citus.warp.cli;

import io.citus.warp.cutover.Cutover;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.runtime.ConnectRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"A whole migration in one command: check -> schema (with --create-schema) -> start -> wait until caught up",
                "-> verify, and with --cutover also cutover and finish. The initial load is Warp's base copy unless",
                "--initial-load=debezium. Without --connect-url it runs an embedded Kafka broker and",
                "Connect worker in this process (only a JDK needed); replication then lasts as long as the process, so either",
                "use --cutover or keep it running until you cut over."})
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Mixin
    InitialLoadOptions initialLoad = new InitialLoadOptions();

    @Spec
    CommandSpec spec;

    @Option(names = "--create-schema", description = "Create missing target tables from the source's schema first (as warp schema).")
    boolean createSchema;

    @Option(names = "--cutover", description = "After verify, cut over (see warp cutover) and finish (see warp finish).")
    boolean cutover;

    @Option(names = "--block-writes", description = "With --cutover: make the source read-only before the final sync.")
    boolean blockWrites;

    @Option(names = "--terminate-sessions", description = "With --block-writes: terminate existing client sessions of the source database.")
    boolean terminateSessions;

    @Option(names = "--sequence-margin", paramLabel = "N", description = "With --cutover: added to each source sequence value (default: ${DEFAULT-VALUE}).")
    long sequenceMargin = 1000;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting to catch up after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 3600;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Verify chunk size (default: ${DEFAULT-VALUE}).")
    int chunkSize = 10_000;

    @Option(names = "--source-config", paramLabel = "KEY=VALUE", description = "Extra or overriding source connector setting (repeatable).")
    Map<String, String> sourceOverrides = new LinkedHashMap<>();

    @Option(names = "--sink-config", paramLabel = "KEY=VALUE", description = "Extra or overriding sink connector setting (repeatable).")
    Map<String, String> sinkOverrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PgEndpoint source = settings.sourceEndpoint();
        PgEndpoint target = settings.targetEndpoint();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = settings.json() ? new PrintWriter(new StringWriter()) : out;
        if (settings.connectUrl() == null) {
            progress.println("starting embedded Kafka and Connect (plugins from " + ConnectRuntime.pluginPath() + ")...");
            progress.flush();
        }
        try (ConnectRuntime runtime = settings.connectUrl() == null ? ConnectRuntime.embedded()
                : ConnectRuntime.remote(settings.connectUrl(), settings.bootstrapServers())) {
            MigrationRun.Outcome outcome = MigrationRun.run(settings, source, target, runtime, options(null), progress);
            if (settings.json()) {
                Output.json(out, MigrationRun.summary(outcome));
            }
            return outcome.exitCode();
        }
    }

    MigrationRun.Options options(Runnable beforeCutover) {
        return new MigrationRun.Options(createSchema, cutover,
                new Cutover.Options(blockWrites, terminateSessions, sequenceMargin, Duration.ofSeconds(timeoutSeconds),
                        Duration.ofSeconds(15), chunkSize),
                Duration.ofSeconds(timeoutSeconds), sourceOverrides, sinkOverrides, beforeCutover, initialLoad);
    }
}
