package io.citus.warp.cli;

import io.citus.warp.migration.MigrationPlan;
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

    @Mixin
    DistributionOptions distribution = new DistributionOptions();

    @Option(names = "--cutover", description = "After verify, cut over (see warp cutover) and finish (see warp finish).")
    boolean cutover;

    @Mixin
    CutoverOptions cutoverOptions = new CutoverOptions();

    @Mixin
    ConnectorOverrides overrides = new ConnectorOverrides();

    @Override
    public Integer call() throws Exception {
        settings.sourceEndpoint();
        settings.targetEndpoint();
        if (settings.connectUrl() != null && settings.secretsFile() == null) {
            throw StartCommand.secretsFileNeeded(spec.commandLine());
        }
        MigrationPlan plan = settings.plan();
        if (createSchema && distribution.isEmpty()) {
            try (Connection t = plan.target().connect()) {
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
            MigrationRun.Outcome outcome = MigrationRun.run(plan, runtime, options(), progress);
            if (settings.json()) {
                Output.json(out, MigrationRun.summary(outcome));
            }
            return outcome.exitCode();
        }
    }

    MigrationRun.Options options() {
        return new MigrationRun.Options(createSchema, cutover, cutoverOptions.options(), overrides.source, overrides.sink, null,
                distribution.distribution(spec.commandLine()), distribution.referenceTables(), initialLoad);
    }
}
