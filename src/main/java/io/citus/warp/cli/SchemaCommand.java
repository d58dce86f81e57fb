package io.citus.warp.cli;

import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.SchemaCopy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Copies the schema of the selected tables to the target before any data moves: pg_dump --schema-only",
                "when a pg_dump at least as new as the source is on PATH, else a catalog-driven generator (columns and types,",
                "defaults, NOT NULL, identity and generated columns, primary/unique/check constraints, indexes, and the enums and",
                "domains the columns use). Tables that already exist on the target are left alone.",
                "On Citus, then distributes tables from the plan: --distribute orders:tenant_id --reference countries, extending",
                "primary keys to contain the distribution column where needed."})
public final class SchemaCommand implements Callable<Integer> {
    @Mixin
    MigrationSettings settings;

    @Spec
    CommandSpec spec;

    @Mixin
    DistributionOptions distribution = new DistributionOptions();

    @Option(names = "--ddl-from", paramLabel = "AUTO|PG_DUMP|CATALOG", description = "Where the DDL comes from (default: ${DEFAULT-VALUE}).")
    SchemaCopy.DdlSource ddlFrom = SchemaCopy.DdlSource.AUTO;

    @Option(names = "--dry-run", description = "Print the DDL without running it.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        MigrationPlan migration = settings.plan();
        Map<TableName, String> plan = distribution.distribution(spec.commandLine());
        SchemaCopy.Result result = SchemaCopy.run(migration.source(), migration.target(), migration.tables(), ddlFrom, plan,
                distribution.referenceTables(), dryRun);
        PrintWriter out = spec.commandLine().getOut();
        if (settings.json()) {
            Output.json(out, result);
        } else {
            result.warnings().forEach(w -> out.println("WARN  " + w));
            if (dryRun) {
                result.statements().forEach(s -> out.println(s + ";"));
            } else {
                out.println("DDL from " + result.ddlSource() + "; created " + result.created().size() + " table(s)"
                        + (result.created().isEmpty() ? "" : ": " + result.created()) + "; " + result.statements().size()
                        + " statement(s) run");
            }
            out.flush();
        }
        return Warp.OK;
    }
}
