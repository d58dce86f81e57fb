package io.citus.warp.cli;

import io.citus.warp.cutover.Cutover;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.common.CitusPlacement;
import io.citus.warp.runtime.ConnectRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Option(names = "--distribute", split = ",", paramLabel = "TABLE:COLUMN",
            description = "With --create-schema on Citus: distribute TABLE by COLUMN (as warp schema).")
    List<String> distribute = new ArrayList<>();

    @Option(names = "--reference", split = ",", paramLabel = "TABLE",
            description = "With --create-schema on Citus: make TABLE a reference table (as warp schema).")
    List<String> reference = new ArrayList<>();

    @Option(names = "--cutover", description = "After verify, cut over (see warp cutover) and finish (see warp finish).")
    boolean cutover;

    @Option(names = "--no-fence", description = "With --cutover: do not fence writes on the source (a point-in-time sync, not a cutover).")
    boolean noFence;

    @Option(names = "--block-writes", hidden = true, description = "Accepted for compatibility: the write fence is the default.")
    boolean blockWrites;

    @Option(names = "--terminate-sessions", description = "With --cutover: terminate sessions whose open transactions still hold write locks on the migrated tables after --writer-grace.")
    boolean terminateSessions;

    @Option(names = "--writer-grace", paramLabel = "SECONDS", description = "With --terminate-sessions: how long open write transactions may finish first (default: ${DEFAULT-VALUE}).")
    long writerGraceSeconds = 5;

    @Option(names = "--fence-timeout", paramLabel = "SECONDS", description = "With --cutover: fail if open write transactions keep the fence out this long (default: ${DEFAULT-VALUE}).")
    long fenceTimeoutSeconds = 60;

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
        if (settings.connectUrl() != null && settings.secretsFile() == null) {
            throw StartCommand.secretsFileNeeded(spec.commandLine());
        }
        if (createSchema && distribute.isEmpty() && reference.isEmpty()) {
            try (Connection t = target.connect()) {
                if (CitusPlacement.citusInstalled(t)) {
                    throw new ParameterException(spec.commandLine(), "the target is a Citus coordinator: --create-schema"
                            + " without a distribution plan would leave every table a local table on the coordinator."
                            + " Add --distribute TABLE:COLUMN and/or --reference TABLE for the tables (as for warp schema),"
                            + " or create and distribute the target tables first and run migrate without --create-schema");
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = settings.json() ? new PrintWriter(new StringWriter()) : out;
        if (settings.connectUrl() == null) {
            progress.println("starting embedded Kafka and Connect (plugins from " + ConnectRuntime.pluginPath() + ")...");
            progress.flush();
        }
        try (ConnectRuntime runtime = settings.connectUrl() == null ? ConnectRuntime.embedded(settings.secretsFile())
                : ConnectRuntime.remote(settings.connectUrl(), settings.kafka())) {
            MigrationRun.Outcome outcome = MigrationRun.run(settings, source, target, runtime, options(null), progress);
            if (settings.json()) {
                Output.json(out, MigrationRun.summary(outcome));
            }
            return outcome.exitCode();
        }
    }

    MigrationRun.Options options(Runnable beforeCutover) {
        return new MigrationRun.Options(createSchema, cutover,
                new Cutover.Options(!noFence, terminateSessions, Duration.ofSeconds(writerGraceSeconds),
                        Duration.ofSeconds(fenceTimeoutSeconds), sequenceMargin, Duration.ofSeconds(timeoutSeconds), chunkSize),
                Duration.ofSeconds(timeoutSeconds), sourceOverrides, sinkOverrides, beforeCutover,
                distribute.isEmpty() ? Map.of() : SchemaCommand.parseDistribution(spec.commandLine(), distribute),
                reference.stream().map(TableName::parse).toList(), initialLoad);
    }
}
