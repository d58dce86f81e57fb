package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.lock.RunLock;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.runtime.ConnectorStreaming;
import io.citus.warp.runtime.Deployer;
import io.citus.warp.runtime.Deployment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Deploys the source (Debezium PostgreSQL) and sink (Citus) connectors to Kafka Connect, rendered from the",
                "shipped configs in connectors/ and these options. Validates both first (PUT /connector-plugins/{class}/config/validate)",
                "and prints every error; deploys nothing if there is one (exit 1). Idempotent: running it again updates the configs.",
                "By default it first runs Warp's base copy (see --initial-load): the existing rows are copied with parallel COPY",
                "under the new slot's exported snapshot, then Debezium streams from that slot. Before the slot exists it installs",
                "the capture of schema changes on the source (event triggers; needs a superuser, else a warning): see",
                "docs/schema-changes.md.",
                "Needs --connect-url: an embedded Connect worker lives only inside `warp migrate` or `warp demo`."})
public final class StartCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Mixin
    InitialLoadOptions initialLoad = new InitialLoadOptions();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectorOverrides overrides = new ConnectorOverrides();

    @Option(names = "--print", description = "Print the two rendered configs as JSON and deploy nothing (settings read "
            + "from the source catalog at deploy time, replica.identity.index, are left out).")
    boolean print;

    @Option(names = "--print-strimzi", paramLabel = "DIR", description = {"For a Connect cluster whose connectors the Strimzi",
            "operator owns (strimzi.io/use-connector-resources): everything start does (topic, slot, base copy), but instead of",
            "PUTting the connectors it writes them into DIR as KafkaConnector resources, with exactly the configs it would PUT,",
            "for you to kubectl apply as soon as it says so. --connect-url is then optional (used to validate the configs);",
            "--secrets-file is the secrets file's path inside the Connect pods. See deploy/README.md."})
    java.nio.file.Path printStrimzi;

    @Option(names = "--strimzi-cluster", paramLabel = "NAME", description = "With --print-strimzi: the KafkaConnect resource "
            + "the connectors belong to (label strimzi.io/cluster; default: ${DEFAULT-VALUE}).")
    String strimziCluster = "warp-connect";

    @Override
    public Integer call() throws Exception {
        settings.sourceEndpoint();
        settings.targetEndpoint();
        PrintWriter out = spec.commandLine().getOut();
        if (print) {
            MigrationPlan plan = settings.plan();
            Deployment deployment = Deployment.of(plan, initialLoad.sourceOverrides(overrides.source),
                    initialLoad.sinkOverrides(plan.names(), overrides.sink), settings.kafka(), false);
            Map<String, Object> both = new LinkedHashMap<>();
            both.put(settings.names().sourceConnector(), deployment.sourceConfig());
            both.put(settings.names().sinkConnector(), deployment.sinkConfig());
            if (initialLoad.inConnect()) {
                both.put(settings.names().copyConnector(), deployment.baseCopyConfig(initialLoad.copyOptions()));
            }
            Output.json(out, both);
            return Warp.OK;
        }
        if (settings.connectUrl() == null && printStrimzi == null) {
            throw new ParameterException(spec.commandLine(), "warp start needs --connect-url; without a Connect cluster use"
                    + " `warp migrate`, which runs an embedded one");
        }
        if (settings.secretsFile() == null) {
            throw secretsFileNeeded(spec.commandLine());
        }
        MigrationPlan plan = settings.plan();
        PrintWriter progress = settings.json() ? new PrintWriter(new java.io.StringWriter()) : out;
        ConnectClient client = settings.connectClient();
        Map<String, String> sinkSettings = initialLoad.sinkOverrides(plan.names(), overrides.sink);
        Deployment deployment = Deployment.of(plan, initialLoad.sourceOverrides(overrides.source), sinkSettings, settings.kafka(), true);
        List<String> errors = new java.util.ArrayList<>(deployment.captureErrors(plan.source()));
        errors.addAll(initialLoad.refusals(plan.target(), plan.tables()));
        if (client != null) {
            errors.addAll(Deployer.validateBoth(client, settings.names().sourceConnector(), deployment.sourceConfig(),
                    settings.names().sinkConnector(), deployment.sinkConfig()));
            if (initialLoad.inConnect()) {
                Deployer.validate(client, settings.names().copyConnector(), deployment.baseCopyConfig(initialLoad.copyOptions()))
                        .forEach(e -> errors.add(settings.names().copyConnector() + ": " + e));
            }
        }
        if (errors.isEmpty()) {
            ConnectorStreaming streaming = new ConnectorStreaming(client, deployment, settings.names().sourceConnector(),
                    settings.names().sinkConnector(), line -> {
                        progress.println(line);
                        progress.flush();
                    }).creatingTopic(settings.kafka(), settings.names().topic());
            if (initialLoad.inConnect()) {
                streaming.withBaseCopy(settings.names().copyConnector(), deployment.baseCopyConfig(initialLoad.copyOptions()));
            }
            if (printStrimzi != null) {
                streaming.asKafkaConnectors(printStrimzi, strimziCluster);
            }
            // One run of a migration at a time: a second start would remove this one's connector and slot under its copy.
            try (RunLock lock = RunLock.acquire(plan.source(), settings.names().slot(), "start")) {
                initialLoad.load(plan, sinkSettings, streaming, progress);
            }
        }
        return report(client, printStrimzi != null, deployment, settings, out, errors);
    }

    /**
     * Passwords reach a Connect cluster's connectors only through a file every worker reads (Connect's file config
     * provider); one written under this machine's ~/.warp is not on the workers, so the connectors could not log in.
     */
    static ParameterException secretsFileNeeded(CommandLine commandLine) {
        return new ParameterException(commandLine, "--connect-url needs --secrets-file PATH: the connector configs reference"
                + " the passwords in a properties file that every Connect worker can read at PATH (source.password=...,"
                + " target.password=...; mode 600, owned by the worker's user). Create it on the workers (or a shared"
                + " volume / Kubernetes secret) and give its path here");
    }

    /** The connectors start deploys: the source and the sink, and the base-copy connector when the copy runs in Connect. */
    private List<String> deployed(MigrationSettings settings) {
        return initialLoad.inConnect()
                ? List.of(settings.names().sourceConnector(), settings.names().sinkConnector(), settings.names().copyConnector())
                : List.of(settings.names().sourceConnector(), settings.names().sinkConnector());
    }

    private int report(ConnectClient client, boolean asResources, Deployment deployment, MigrationSettings settings, PrintWriter out,
                              List<String> errors) {
        if (settings.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put(asResources ? "written" : "deployed", errors.isEmpty());
            result.put("errors", errors);
            result.put("connectors", deployed(settings));
            Output.json(out, result);
        } else if (errors.isEmpty() && asResources) {
            out.println("wrote " + settings.names().sourceConnector() + " and " + settings.names().sinkConnector()
                    + " as KafkaConnector resources (" + deployment.tables().size() + " tables, topic " + settings.names().topic()
                    + "); the operator deploys them once applied");
        } else if (errors.isEmpty()) {
            out.println("deployed " + String.join(" and ", deployed(settings)) + " to " + client.baseUrl() + " (" + deployment.tables().size() + " tables, topic " + settings.names().topic() + ")");
        } else {
            out.println("validation failed; nothing deployed:");
            errors.forEach(e -> out.println("  " + e));
        }
        out.flush();
        return errors.isEmpty() ? Warp.OK : Warp.FINDINGS;
    }
}
