package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.cutover.Teardown;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "finish", mixinStandardHelpOptions = true,
        description = {"Ends the migration and removes everything a new run under the same --name could trip over: both",
                "connectors with Debezium's source offsets (Connect's offsets API) and the sink's consumer group, the sink's",
                "progress rows on the target, the replication slot (so the source stops retaining WAL) and the publication on",
                "the source, the schema-change capture once no migration uses it, and with --delete-topics the change topic.",
                "Refuses (exit 1) while the sink is behind, unless --force, and while other connectors use the slot, unless",
                "--delete-connectors."})
public final class FinishCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Finish even if the sink has not caught up (changes not yet applied are lost).")
    boolean force;

    @Option(names = "--delete-topics", description = "Also delete the change topic (needs --bootstrap-servers).")
    boolean deleteTopics;

    @Option(names = "--delete-connectors", description = "Also delete other connectors that read this migration's replication slot"
            + " (without it, finish refuses to drop a slot they use).")
    boolean deleteConnectors;

    @Option(names = "--strimzi", description = {"The connectors are KafkaConnector resources owned by the Strimzi operator (warp",
            "start --print-strimzi): finish does not delete them, since the operator would recreate them, but says which",
            "resources to remove first (with their offsets), and refuses (exit 1) while their connectors still exist."})
    boolean strimzi;

    @Override
    public Integer call() throws Exception {
        PgEndpoint source = settings.sourceEndpoint();
        PgEndpoint target = settings.targetEndpoint();
        ConnectClient client = settings.connectUrl() == null ? null : new ConnectClient(URI.create(settings.connectUrl()));
        PrintWriter out = spec.commandLine().getOut();
        if (strimzi && operatorOwnedConnectorsRemain(client, out)) {
            return Warp.FINDINGS;
        }
        return finish(client, settings.kafka(), source, target, settings, force,
                new Teardown.Options(deleteTopics, deleteConnectors, settings.progressSchema()), spec.commandLine().getOut());
    }

    /**
     * Tells which KafkaConnector resources to remove, and how, before finish removes the rest; true when they (may) still
     * exist: their connectors are listed by Connect, or no --connect-url lets warp look (then the slot still in use makes
     * finish refuse to drop it, as for any connector warp cannot see).
     */
    private boolean operatorOwnedConnectorsRemain(ConnectClient client, PrintWriter out) {
        String source = settings.names().sourceConnector();
        String sink = settings.names().sinkConnector();
        List<String> steps = io.citus.warp.runtime.KafkaConnectorResources.removalSteps(source, sink);
        if (client == null) {
            out.println("the connectors are operator-owned: remove their KafkaConnector resources first (with their offsets), if not done:");
            steps.forEach(step -> out.println("  " + step));
            out.flush();
            return false;
        }
        List<String> remaining = java.util.stream.Stream.of(source, sink).filter(client::exists).toList();
        if (remaining.isEmpty()) {
            return false;
        }
        out.println("refusing to finish: connector(s) " + remaining + " still exist, and the Strimzi operator would recreate any"
                + " connector warp deleted. Remove their KafkaConnector resources first, with their offsets (a new run under the"
                + " same --name would resume from them), then run finish again:");
        steps.forEach(step -> out.println("  " + step));
        out.flush();
        return true;
    }

    static int finish(ConnectClient client, io.citus.warp.runtime.KafkaClients bootstrap, PgEndpoint source, PgEndpoint target, MigrationSettings settings,
                      boolean force, Teardown.Options options, PrintWriter out) throws Exception {
        if (!force) {
            try (StatusProbe probe = new StatusProbe(client, bootstrap, source, target, settings.names(), settings.progressSchema(),
                    Tables.resolve(settings, source))) {
                MigrationStatus s = probe.probe();
                boolean behind = s.verdict() != Verdict.CAUGHT_UP && s.verdict() != Verdict.NOT_DEPLOYED;
                if (behind || (s.verdict() == Verdict.NOT_DEPLOYED && s.lag() != null && s.lag() > 0)) {
                    out.println("refusing to finish: the sink is " + s.verdict().label()
                            + (s.lag() == null ? " (lag unknown: give --bootstrap-servers)" : " (" + s.lag() + " record(s) behind)")
                            + "; wait, or use --force");
                    out.flush();
                    return Warp.FINDINGS;
                }
            }
        }
        List<String> done = Teardown.run(client, bootstrap, source, target, settings.names(), options);
        if (settings.json()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("done", done);
            Output.json(out, r);
        } else {
            done.forEach(out::println);
            out.println("migration " + settings.names().name() + " finished");
        }
        out.flush();
        return Warp.OK;
    }
}
