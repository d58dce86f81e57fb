package io.citus.warp.cli;

import io.citus.warp.migration.FindingsException;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.cutover.Teardown;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.lock.RunLock;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.Verdict;
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
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "finish", mixinStandardHelpOptions = true,
        description = {"Ends the migration and removes everything a new run under the same --name could trip over: both",
                "connectors with Debezium's source offsets (Connect's offsets API) and the sink's consumer group, the sink's",
                "progress rows on the target, the replication slot (so the source stops retaining WAL) and the publication on",
                "the source, the schema-change capture once no migration uses it, and with --delete-topics the change topic.",
                "Refuses (exit 1) while the sink is behind, while the fence of an interrupted cutover is on the source, and while a",
                "walsender outside the given Connect cluster streams from the slot, unless --force; while other connectors use the",
                "slot, unless --delete-connectors; and while another run of the migration is in progress."})
public final class FinishCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Finish even if the sink has not caught up (changes not yet applied are lost), even if a"
            + " cutover was interrupted after fencing the source (its fence stays), and terminate a walsender that still streams from the"
            + " slot --walsender-grace after this migration's connectors were removed (a consumer outside the given Connect cluster).")
    boolean force;

    @Option(names = "--walsender-grace", paramLabel = "SECONDS", description = "How long after this migration's connectors were"
            + " removed a walsender still streaming from the slot is taken for theirs (it exits shortly after its connector"
            + " stopped); one still there after it streams for someone else: it is named and refused, or terminated with --force."
            + " Default: ${DEFAULT-VALUE}")
    int walsenderGrace = (int) Teardown.FOREIGN_WALSENDER_GRACE.toSeconds();

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
        if (walsenderGrace < 1) {
            throw new ParameterException(spec.commandLine(), "--walsender-grace must be at least 1 second");
        }
        settings.sourceEndpoint();
        settings.targetEndpoint();
        ConnectClient client = settings.connectClient();
        PrintWriter out = spec.commandLine().getOut();
        if (strimzi && operatorOwnedConnectorsRemain(client, out)) {
            return Warp.FINDINGS;
        }
        return finish(client, settings.kafka(), settings, force,
                new Teardown.Options(deleteTopics, deleteConnectors, settings.progressSchema(), force,
                        java.time.Duration.ofSeconds(walsenderGrace)), spec.commandLine().getOut());
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

    static int finish(ConnectClient client, io.citus.warp.runtime.KafkaClients bootstrap, MigrationSettings settings,
                      boolean force, Teardown.Options options, PrintWriter out) throws Exception {
        // Refused while another run of this migration (a start copying, a cutover) is in progress, and vice versa.
        try (RunLock lock = RunLock.acquire(settings.sourceEndpoint(), settings.names().slot(), "finish")) {
            return finishLocked(client, bootstrap, settings.plan(), settings.json(), force, options, out);
        }
    }

    /** Whether the sink's consumer group has no offsets left (finish deletes them with the sink). */
    private static boolean consumerGroupGone(io.citus.warp.runtime.KafkaClients kafka, MigrationNames names) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin(Map.of())) {
            return admin.listConsumerGroupOffsets(names.consumerGroup()).partitionsToOffsetAndMetadata()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS).isEmpty();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return true;
            }
            throw e;
        }
    }

    private static int finishLocked(ConnectClient client, io.citus.warp.runtime.KafkaClients bootstrap, MigrationPlan plan,
                                    boolean json, boolean force, Teardown.Options options, PrintWriter out) throws Exception {
        MigrationNames names = plan.names();
        Optional<SourceState.Fence> fence = SourceState.fence(plan);
        if (fence.isPresent() && !fence.get().state().completed() && !force) {
            throw new FindingsException("refusing to finish: " + fence.get().describe() + ". The migrated tables on the source refuse"
                    + " writes, and that cutover never proved the target complete. Run `warp cutover` again to complete it, or make"
                    + " the source writable again (" + String.join("; ", fence.get().undo()) + ";) and then finish; --force finishes"
                    + " and leaves the fence.");
        }
        if (!force) {
            try (StatusProbe probe = new StatusProbe(client, bootstrap, plan)) {
                MigrationStatus s = probe.probe();
                boolean behind = s.verdict() != Verdict.CAUGHT_UP && s.verdict() != Verdict.NOT_DEPLOYED;
                if (s.verdict() == Verdict.NOT_DEPLOYED && s.lag() != null && s.lag() > 0 && consumerGroupGone(bootstrap, names)) {
                    // finish removes the connectors only after this check passed (or --force), and the group's offsets with
                    // them; the lag left is the sink's last records that carry no position of their own (heartbeats).
                    out.println("the connectors and the sink's consumer group are gone: an earlier finish removed them and was"
                            + " interrupted; going on with what it left");
                } else if (s.verdict() == Verdict.NOT_DEPLOYED && s.lag() != null && s.lag() > 0) {
                    // Nothing will apply them now: connectors deleted by hand.
                    out.println("refusing to finish: the connectors are not deployed and " + s.lag() + " record(s) of topic "
                            + names.topic() + " are not recorded as applied on the target; finishing now loses any change"
                            + " among them. Run `warp start` again with the same options to apply them, then finish; or finish with --force");
                    out.flush();
                    return Warp.FINDINGS;
                }
                if (behind) {
                    out.println("refusing to finish: the sink is " + s.verdict().label()
                            + (s.lag() == null ? " (lag unknown: give --bootstrap-servers)" : " (" + s.lag() + " record(s) behind)")
                            + "; wait, or use --force");
                    out.flush();
                    return Warp.FINDINGS;
                }
            }
        }
        List<String> done = new java.util.ArrayList<>(Teardown.run(client, bootstrap, plan.source(), plan.target(), names, options));
        // Never left behind unknowingly: after a cutover the fence stays (the application writes to the target now).
        fence.ifPresent(f -> done.add(f.describe() + "; it stays. To make the source writable again: " + String.join("; ", f.undo())
                + ";"));
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("done", done);
            Output.json(out, r);
        } else {
            done.forEach(out::println);
            out.println("migration " + names.name() + " finished");
        }
        out.flush();
        return Warp.OK;
    }
}
