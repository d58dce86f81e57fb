package io.citus.warp.cli;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.preflight.Finding;
import io.citus.warp.preflight.Preflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Preflight: can this source be captured, this target written, and this Connect cluster run the migration?",
                "Source: wal_level=logical, a free replication slot and WAL sender, REPLICATION and SELECT rights, a primary key",
                "on every table (offenders listed), replica identity, enum types Debezium cannot start with, columns carried as",
                "the source's text, each table's largest row against the largest change event, slot/publication name conflicts,",
                "WAL retention during the snapshot, whether schema changes can be captured (event triggers), and, during a",
                "migration, tables created since its start.",
                "Target: reachable, each table present with the same columns and compatible types (per-column diff); on Citus,",
                "each table distributed or reference, primary keys containing the distribution column, replica identity advice.",
                "Connect: reachable, both plugins installed.",
                "Prints OK / WARN / BLOCKER per check; exits 1 on any blocker."})
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Option(names = "--schema-will-be-created", description = "Treat missing target tables as warnings (they will be created by warp schema).")
    boolean schemaWillBeCreated;

    @Mixin
    InitialLoadMode initialLoad = new InitialLoadMode();

    @Override
    public Integer call() throws Exception {
        List<Finding> findings;
        try {
            findings = run(settings.plan(), settings.connectClient(), false, schemaWillBeCreated,
                    !initialLoad.baseCopy());
        } catch (java.sql.SQLException e) {
            // Listing the source's tables failed: the source cannot be read.
            findings = List.of(Finding.blocker("source", "reachable", settings.sourceEndpoint().describe() + ": " + e.getMessage()));
        }
        if (settings.json()) {
            Map<String, Object> result = new LinkedHashMap<>(settings.describe());
            result.put("ok", !Preflight.hasBlocker(findings));
            result.put("findings", findings);
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Output.findings(spec.commandLine().getOut(), findings);
        }
        return Preflight.hasBlocker(findings) ? Warp.FINDINGS : Warp.OK;
    }

    static List<Finding> run(MigrationPlan plan, ConnectClient connect, boolean embedded, boolean schemaWillBeCreated,
                             boolean debeziumSnapshot) {
        Preflight preflight = new Preflight(plan);
        preflight.checkSource();
        preflight.checkTarget(schemaWillBeCreated);
        preflight.checkSchemaFeatures(debeziumSnapshot);
        preflight.checkConnect(connect, embedded);
        List<Finding> findings = new java.util.ArrayList<>(preflight.findings());
        Tables.createdAfterStart(plan).ifPresent(line -> findings.add(Finding.warn("source", "new tables", line)));
        return findings;
    }
}
