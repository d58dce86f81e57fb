package io.citus.warp.schema;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies the schema of the selected tables to the target (pg_dump when present and new enough, else the
 * catalog-driven generator), then applies a Citus distribution plan.
 */
public final class SchemaCopy {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCopy.class);

    public enum DdlSource { AUTO, PG_DUMP, CATALOG }

    /** What was done: how the DDL was produced, every statement run (or to run, with dry-run), warnings. */
    public record Result(String ddlSource, List<String> statements, List<String> warnings, List<TableName> created) {
    }

    private SchemaCopy() {
    }

    public static Result run(PgEndpoint source, PgEndpoint target, List<TableName> tables, DdlSource ddlSource,
                             Map<TableName, String> distribute, List<TableName> reference, boolean dryRun) throws Exception {
        List<String> statements = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<TableName> missing = new ArrayList<>();
        String used;
        try (Connection s = source.connect(); Connection t = target.connect()) {
            CatalogReader targetCatalog = new CatalogReader(t);
            for (TableName table : tables) {
                if (!targetCatalog.exists(table)) {
                    missing.add(table);
                }
            }
            int sourceMajor = Integer.parseInt(Sql.one(s, "SHOW server_version_num")) / 10000;
            Optional<Integer> dumpMajor = ddlSource == DdlSource.CATALOG ? Optional.empty() : PgDump.majorVersion();
            boolean usePgDump = dumpMajor.isPresent() && dumpMajor.get() >= sourceMajor;
            if (ddlSource == DdlSource.PG_DUMP && !usePgDump) {
                throw new IllegalStateException("--ddl-from pg_dump: " + (dumpMajor.isEmpty() ? "no pg_dump on PATH"
                        : "pg_dump " + dumpMajor.get() + " is older than the source server (" + sourceMajor + ")"));
            }
            if (missing.isEmpty()) {
                used = "none (every table exists on the target)";
            } else if (usePgDump) {
                used = "pg_dump " + dumpMajor.get();
                statements.add(PgDump.schemaOnly(source, missing));
            } else {
                used = "catalog";
                if (ddlSource == DdlSource.AUTO && dumpMajor.isPresent()) {
                    warnings.add("pg_dump " + dumpMajor.get() + " is older than the source (PostgreSQL " + sourceMajor
                            + "): using the catalog-driven generator");
                }
                CatalogReader sourceCatalog = new CatalogReader(s);
                List<TableDefinition> defs = new ArrayList<>();
                for (TableName table : missing) {
                    defs.add(sourceCatalog.table(table));
                }
                statements.addAll(DdlGenerator.statements(sourceCatalog.typesUsedBy(missing), defs));
            }
            if (!dryRun) {
                t.setAutoCommit(false);
                for (String sql : statements) {
                    Sql.exec(t, sql);
                }
                t.commit();
                t.setAutoCommit(true);
            }
            List<String> citusStatements = distributionStatements(t, tables, distribute, reference, warnings, dryRun);
            statements.addAll(citusStatements);
            if (!dryRun) {
                for (String sql : citusStatements) {
                    LOG.info("{}", sql);
                    Sql.exec(t, sql);
                }
            }
        }
        return new Result(used, statements, warnings, missing);
    }

    private static List<String> distributionStatements(Connection t, List<TableName> tables, Map<TableName, String> distribute,
                                                       List<TableName> reference, List<String> warnings, boolean dryRun)
            throws SQLException {
        List<String> out = new ArrayList<>();
        if (distribute.isEmpty() && reference.isEmpty()) {
            return out;
        }
        if (!CitusPlacement.citusInstalled(t)) {
            warnings.add("the target is not a Citus coordinator: --distribute/--reference ignored");
            return out;
        }
        CatalogReader catalog = new CatalogReader(t);
        for (Map.Entry<TableName, String> e : distribute.entrySet()) {
            TableName table = e.getKey();
            if (!tables.contains(table)) {
                warnings.add("--distribute " + table + ": not one of the migrated tables");
            }
            if (CitusPlacement.of(t, table).kind() != CitusPlacement.Kind.NOT_CITUS_TABLE) {
                warnings.add(table + " is already a Citus table: left as it is");
                continue;
            }
            TableDefinition def = dryRun && !catalog.exists(table) ? null : catalog.table(table);
            TableDefinition.Constraint pk = def == null ? null : def.primaryKey();
            out.addAll(DdlGenerator.distribute(table, e.getValue(), pk == null ? null : pk.name(),
                    pk == null ? List.of() : pk.columns()));
        }
        for (TableName table : reference) {
            if (CitusPlacement.of(t, table).kind() != CitusPlacement.Kind.NOT_CITUS_TABLE) {
                warnings.add(table + " is already a Citus table: left as it is");
                continue;
            }
            out.add(DdlGenerator.reference(table));
        }
        return out;
    }
}
