package io.citus.warp.preflight;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;
import io.citus.warp.runtime.ConnectRuntime;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.SchemaChangeTracking;
import io.citus.warp.schema.TableDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The checks of {@code warp check}: can this source be captured, this target written, this Connect run it. */
public final class Preflight {
    private final PgEndpoint source;
    private final PgEndpoint target;
    private final List<TableName> tables;
    private final MigrationNames names;
    private final String progressSchema;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<TableName, TableDefinition> sourceTables = new LinkedHashMap<>();

    public Preflight(MigrationPlan plan) {
        this.source = plan.source();
        this.target = plan.target();
        this.tables = plan.tables();
        this.names = plan.names();
        this.progressSchema = plan.progressSchema();
    }

    public List<Finding> findings() {
        return findings;
    }

    public static boolean hasBlocker(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.level() == Finding.Level.BLOCKER);
    }

    private void add(Finding f) {
        findings.add(f);
    }

    // ---------------------------------------------------------------- source

    public void checkSource() {
        try (Connection c = source.connect()) {
            add(Finding.ok("source", "reachable", source.describe() + ", PostgreSQL " + Sql.one(c, "SHOW server_version")));
            add(sourceVersion(Integer.parseInt(Sql.one(c, "SHOW server_version_num")), Sql.one(c, "SHOW server_version")));
            String walLevel = Sql.one(c, "SHOW wal_level");
            add("logical".equals(walLevel) ? Finding.ok("source", "wal_level", "logical")
                    : Finding.blocker("source", "wal_level", walLevel + ": set wal_level = logical and restart the server"));
            checkSlotsAndSenders(c);
            checkRole(c);
            checkTables(c);
            findings.addAll(SourceTypes.check(c, sourceTables));
            findings.addAll(RowSizes.check(c, sourceTables));
            checkSlotAndPublication(c);
            checkPublicationOwnership(c);
            checkWalRetention(c);
            checkSchemaChangeCapture(c);
        } catch (SQLException e) {
            add(Finding.blocker("source", "reachable", source.describe() + ": " + e.getMessage()));
        }
    }

    /** The oldest source PostgreSQL warp supports (server_version_num). */
    public static final int MIN_SOURCE_VERSION = 130000;

    /**
     * Sources from PostgreSQL 13 on: the cutover's write fence relies on a row trigger of a partitioned table that PostgreSQL
     * clones onto partitions created later (BEFORE row triggers on partitioned tables, 13), and the publication on
     * publish_via_partition_root (13).
     */
    static Finding sourceVersion(int versionNum, String version) {
        return versionNum >= MIN_SOURCE_VERSION ? Finding.ok("source", "version", "PostgreSQL " + version + " (supported: 13 and later)")
                : Finding.blocker("source", "version", "PostgreSQL " + version + " is older than 13, the oldest source warp supports"
                + " (its cutover fence needs BEFORE row triggers on partitioned tables, 13): upgrade the source first");
    }

    private void checkSlotsAndSenders(Connection c) throws SQLException {
        String[] r = Sql.rows(c, "SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots),"
                + " current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'),"
                + " EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)", names.slot()).get(0);
        int freeSlots = Integer.parseInt(r[0]);
        boolean ourSlot = "t".equals(r[2]);
        // The base copy inside Connect holds a temporary slot (its snapshot) next to the migration's while it copies.
        add(freeSlots > 1 || ourSlot && freeSlots > 0 ? Finding.ok("source", "replication slots", freeSlots + " free (max_replication_slots)")
                : freeSlots > 0 || ourSlot ? Finding.warn("source", "replication slots", freeSlots + " free (max_replication_slots):"
                        + " enough for the migration's slot, not for the temporary one the base copy inside Connect"
                        + " (--initial-load connector, base-copy.json) holds while it copies; raise it (restart) for that path")
                : Finding.blocker("source", "replication slots", "none free: raise max_replication_slots (restart) or drop an unused slot"));
        int freeSenders = Integer.parseInt(r[1]);
        // While the base copy runs, its snapshot's session and Debezium's stream are both walsenders.
        add(freeSenders > 1 ? Finding.ok("source", "WAL senders", freeSenders + " free (max_wal_senders)")
                : freeSenders > 0 ? Finding.warn("source", "WAL senders", "1 free (max_wal_senders): the base copy's snapshot session and"
                        + " Debezium's stream need 2 while the copy runs; raise it (restart), or use --initial-load debezium")
                : Finding.blocker("source", "WAL senders", "none free: raise max_wal_senders (restart)"));
    }

    private void checkRole(Connection c) throws SQLException {
        String[] r = Sql.rows(c, "SELECT rolreplication, rolsuper,"
                + " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_replication' AND pg_has_role(current_user, oid, 'member'))"
                + " FROM pg_roles WHERE rolname = current_user").get(0);
        boolean ok = "t".equals(r[0]) || "t".equals(r[1]) || "t".equals(r[2]);
        add(ok ? Finding.ok("source", "REPLICATION privilege", source.user() + " may replicate")
                : Finding.blocker("source", "REPLICATION privilege", source.user() + " lacks REPLICATION: ALTER ROLE "
                + Sql.ident(source.user()) + " REPLICATION"));
        boolean createPub = "t".equals(r[1]) || "t".equals(Sql.one(c, "SELECT has_database_privilege(current_database(), 'CREATE')"));
        if (!createPub) {
            add(Finding.warn("source", "publication", source.user() + " cannot CREATE in the database: create publication "
                    + names.publication() + " yourself, or grant CREATE"));
        }
    }

    private void checkTables(Connection c) throws SQLException {
        if (tables.isEmpty()) {
            add(Finding.blocker("source", "tables", "no tables to migrate"));
            return;
        }
        CatalogReader catalog = new CatalogReader(c);
        List<String> missing = new ArrayList<>();
        List<String> noSelect = new ArrayList<>();
        List<String> noPk = new ArrayList<>();
        Map<String, List<String>> identities = new LinkedHashMap<>();
        List<String> nothing = new ArrayList<>();
        for (TableName t : tables) {
            if (!catalog.exists(t)) {
                missing.add(t.toString());
                continue;
            }
            TableDefinition def = catalog.table(t);
            sourceTables.put(t, def);
            if (!"t".equals(Sql.one(c, "SELECT has_table_privilege(?::regclass, 'SELECT')", t.quoted()))) {
                noSelect.add(t.toString());
            }
            if (def.primaryKey() == null && def.partitioning() == null) {
                // A partitioned table without a key on its root: the schema-features check says what to do.
                noPk.add(t.toString());
            }
            String ident = switch (def.replicaIdentity()) {
                case 'f' -> "FULL";
                case 'i' -> "INDEX";
                case 'n' -> "NOTHING";
                default -> "DEFAULT";
            };
            if (def.replicaIdentity() == 'n') {
                nothing.add(t.toString());
            }
            identities.computeIfAbsent(ident, k -> new ArrayList<>()).add(t.toString());
        }
        add(missing.isEmpty() ? Finding.ok("source", "tables exist", tables.size() + " tables")
                : Finding.blocker("source", "tables exist", "not found: " + String.join(", ", missing)));
        add(noSelect.isEmpty() ? Finding.ok("source", "SELECT privilege", "on every table")
                : Finding.blocker("source", "SELECT privilege", "missing on: " + String.join(", ", noSelect)));
        add(noPk.isEmpty() ? Finding.ok("source", "primary keys", "every table has one")
                : Finding.blocker("source", "primary keys", "no primary key: " + String.join(", ", noPk)
                + " (add one, or leave the table out with --tables)"));
        String summary = identities.entrySet().stream().map(e -> e.getKey() + ": " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "));
        add(nothing.isEmpty() ? Finding.ok("source", "replica identity", summary)
                : Finding.blocker("source", "replica identity", "REPLICA IDENTITY NOTHING (updates and deletes cannot be captured): "
                + String.join(", ", nothing)));
    }

    private void checkSlotAndPublication(Connection c) throws SQLException {
        List<String[]> slot = Sql.rows(c, "SELECT plugin, database, active, slot_type FROM pg_replication_slots WHERE slot_name = ?",
                names.slot());
        if (slot.isEmpty()) {
            add(Finding.ok("source", "slot name", names.slot() + " is free"));
        } else {
            String[] s = slot.get(0);
            if (!"pgoutput".equals(s[0]) || !source.database().equals(s[1])) {
                add(Finding.blocker("source", "slot name", names.slot() + " exists for plugin " + s[0] + " in database " + s[1]
                        + ": choose another --name"));
            } else if ("t".equals(s[2])) {
                add(Finding.blocker("source", "slot name", names.slot() + " exists and is in use by another consumer"));
            } else {
                add(Finding.warn("source", "slot name", names.slot() + " exists (inactive): the source connector resumes from it;"
                        + " drop it to start over"));
            }
        }
        List<String[]> pub = Sql.rows(c, "SELECT puballtables FROM pg_publication WHERE pubname = ?", names.publication());
        add(pub.isEmpty() ? Finding.ok("source", "publication name", names.publication() + " is free")
                : Finding.warn("source", "publication name", names.publication() + " exists and will be reused"
                + ("t".equals(pub.get(0)[0]) ? " (FOR ALL TABLES)" : "; the source connector sets its tables to --tables")));
    }

    /**
     * Debezium creates the publication as {@code CREATE PUBLICATION ... FOR TABLE ...} (publication.autocreate.mode
     * filtered), which PostgreSQL allows only to the owner of every listed table (or a superuser); CREATE on the
     * database alone is not enough. Unlogged tables are not written to WAL and cannot be published at all.
     */
    private void checkPublicationOwnership(Connection c) throws SQLException {
        List<String> unlogged = new ArrayList<>();
        List<String> notOwned = new ArrayList<>();
        boolean superuser = "t".equals(Sql.one(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        for (TableName t : sourceTables.keySet()) {
            String[] r = Sql.rows(c, "SELECT relpersistence = 'u', pg_has_role(current_user, relowner, 'USAGE'),"
                    + " pg_get_userbyid(relowner) FROM pg_class WHERE oid = ?::regclass", t.quoted()).get(0);
            if ("t".equals(r[0])) {
                unlogged.add(t.toString());
            }
            if (!"t".equals(r[1])) {
                notOwned.add(t + " (owner " + r[2] + ")");
            }
        }
        add(unlogged.isEmpty() ? Finding.ok("source", "unlogged tables", "none")
                : Finding.blocker("source", "unlogged tables", "not written to WAL, so they cannot be published or replicated: "
                + String.join(", ", unlogged) + " (ALTER TABLE ... SET LOGGED, or leave them out with --tables)"));
        boolean publicationExists = !Sql.rows(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", names.publication()).isEmpty();
        if (superuser || notOwned.isEmpty()) {
            add(Finding.ok("source", "table ownership", superuser ? source.user() + " is a superuser"
                    : source.user() + " owns every table (CREATE PUBLICATION ... FOR TABLE)"));
        } else {
            String detail = source.user() + " does not own " + String.join(", ", notOwned) + "; Debezium's CREATE PUBLICATION "
                    + names.publication() + " FOR TABLE ... and ALTER PUBLICATION need the owner";
            add(publicationExists ? Finding.warn("source", "table ownership", detail + ": the existing publication is reused,"
                    + " but must already list every migrated table")
                    : Finding.blocker("source", "table ownership", detail + ": have the owner run CREATE PUBLICATION "
                    + Sql.ident(names.publication()) + " FOR TABLE <the tables>, or GRANT the owning role to " + source.user()));
        }
    }

    private void checkWalRetention(Connection c) throws SQLException {
        long bytes = 0;
        for (TableName t : sourceTables.keySet()) {
            bytes += Long.parseLong(Sql.one(c, "SELECT pg_total_relation_size(?::regclass)", t.quoted()));
        }
        String keep = Sql.one(c, "SHOW max_slot_wal_keep_size");
        String detail = "initial snapshot of " + human(bytes) + ": WAL is retained on the source while it runs"
                + " (keep at least 20% of the disk free)";
        if (!"-1".equals(keep)) {
            add(Finding.warn("source", "WAL retention", detail + "; max_slot_wal_keep_size = " + keep
                    + " can invalidate the slot if the snapshot outlasts it"));
        } else {
            add(Finding.ok("source", "WAL retention", detail));
        }
    }

    /**
     * Schema changes during the migration: captured when warp start can install the event triggers (a superuser on most
     * services); otherwise a schema change stops the sink, or goes unseen when no row shows it.
     */
    private void checkSchemaChangeCapture(Connection c) throws SQLException {
        String cannot = SchemaChangeTracking.cannotInstall(c);
        add(cannot == null ? Finding.ok("source", "schema changes", "warp start can capture them (event triggers): ADD/DROP COLUMN "
                + "and widenings flow through, other changes stop the sink with the fix (docs/schema-changes.md)")
                : Finding.warn("source", "schema changes", SchemaChangeTracking.notCapturing(cannot)));
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " kB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return (bytes / (1024 * 1024)) + " MB";
        }
        return String.format("%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }

    // ---------------------------------------------------------------- target

    /** @param schemaWillBeCreated missing tables are then warnings (warp migrate --create-schema creates them) */
    public void checkTarget(boolean schemaWillBeCreated) {
        try (Connection c = target.connect()) {
            add(Finding.ok("target", "reachable", target.describe() + ", PostgreSQL " + Sql.one(c, "SHOW server_version")));
            CatalogReader catalog = new CatalogReader(c);
            boolean citus = CitusPlacement.citusInstalled(c);
            add(citus ? Finding.ok("target", "Citus", "Citus " + Sql.one(c, "SELECT extversion FROM pg_extension WHERE extname = 'citus'"))
                    : Finding.warn("target", "Citus", "not a Citus coordinator (plain PostgreSQL): tables stay local"));
            boolean canCreate = "t".equals(Sql.one(c, "SELECT has_database_privilege(current_database(), 'CREATE')"))
                    || "t".equals(Sql.one(c, "SELECT has_schema_privilege(?, 'CREATE') FROM pg_namespace WHERE nspname = ?",
                    progressSchema, progressSchema));
            add(canCreate ? Finding.ok("target", "progress schema", progressSchema + " can be created or used")
                    : Finding.blocker("target", "progress schema", target.user() + " cannot create schema " + progressSchema));
            for (TableName t : tables) {
                if (!catalog.exists(t)) {
                    add(schemaWillBeCreated ? Finding.warn("target", "table " + t, "missing; will be created from the source's schema")
                            : Finding.blocker("target", "table " + t, "missing on the target: run `warp schema`"));
                    continue;
                }
                TableDefinition targetDef = catalog.table(t);
                TableDefinition sourceDef = sourceTables.get(t);
                if (sourceDef != null) {
                    findings.addAll(ColumnDiff.compare(sourceDef, targetDef));
                }
                // SELECT: the sink's UPDATE/DELETE ... WHERE and ON CONFLICT read the key columns; verify reads every row.
                String privileges = Sql.one(c, "SELECT string_agg(p, ', ') FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE',"
                        + "'TRUNCATE']) p WHERE NOT has_table_privilege(?::regclass, p)", t.quoted());
                if (privileges != null) {
                    add(Finding.blocker("target", "privileges " + t, target.user() + " lacks " + privileges));
                }
                // cutover sets serial and identity sequences with setval, which needs UPDATE on each.
                String sequences = Sql.one(c, "SELECT string_agg(s::text, ', ') FROM (SELECT pg_get_serial_sequence(?, attname)::regclass s"
                        + " FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped) q"
                        + " WHERE s IS NOT NULL AND NOT has_sequence_privilege(s, 'UPDATE')", t.quoted(), t.quoted());
                if (sequences != null) {
                    add(Finding.blocker("target", "sequence privileges " + t, target.user() + " lacks UPDATE on " + sequences
                            + " (cutover sets them past the source's values)"));
                }
                if (citus) {
                    checkDistribution(t, CitusPlacement.of(c, t), sourceDef, targetDef);
                }
            }
        } catch (SQLException e) {
            add(Finding.blocker("target", "reachable", target.describe() + ": " + e.getMessage()));
        }
    }

    void checkDistribution(TableName t, CitusPlacement placement, TableDefinition sourceDef, TableDefinition targetDef) {
        String check = "distribution " + t;
        switch (placement.kind()) {
            case REFERENCE -> add(Finding.ok("target", check, "reference table"));
            case CITUS_LOCAL, NOT_CITUS_TABLE -> add(Finding.warn("target", check,
                    "local table on the coordinator: distribute it (warp schema --distribute) or make it a reference table"));
            case DISTRIBUTED -> {
                String col = placement.distributionColumn();
                if (!targetDef.primaryKeyColumns().contains(col)) {
                    add(Finding.blocker("target", check, "primary key " + targetDef.primaryKeyColumns()
                            + " lacks the distribution column " + col));
                } else {
                    add(Finding.ok("target", check, "distributed by " + col));
                }
                if (sourceDef != null && sourceDef.replicaIdentity() != 'f' && !sourceDef.primaryKeyColumns().contains(col)) {
                    add(Finding.warn("source", "replica identity " + t, "deletes carry only the key " + sourceDef.primaryKeyColumns()
                            + ", not the distribution column " + col + ", so each delete touches all shards: ALTER TABLE "
                            + t.quoted() + " REPLICA IDENTITY FULL on the source"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- schema features

    /**
     * The source schema's features (quoted names, inheritance, partitioning, row-level security, foreign keys,
     * generated and identity columns), each with what Warp does with it, or a blocker with the way out.
     *
     * @param debeziumSnapshot the initial load is Debezium's snapshot rather than the base copy
     */
    public void checkSchemaFeatures(boolean debeziumSnapshot) {
        if (sourceTables.isEmpty()) {
            return;
        }
        try (Connection s = source.connect(); Connection t = target.connect()) {
            findings.addAll(SchemaFeatures.read(s, t, CitusPlacement.citusInstalled(t), sourceTables, debeziumSnapshot));
        } catch (SQLException e) {
            add(Finding.blocker("schema", "features", "cannot read the catalogs: " + e.getMessage()));
        }
    }

    // ---------------------------------------------------------------- connect

    public void checkConnect(ConnectClient client, boolean embedded) {
        if (client == null) {
            try {
                add(Finding.ok("connect", "embedded", "no --connect-url: an embedded Kafka broker and Connect worker will run in"
                        + " warp's process, with plugins from " + ConnectRuntime.pluginPath()));
            } catch (IllegalStateException e) {
                add(Finding.blocker("connect", "embedded", e.getMessage()));
            }
            return;
        }
        try {
            add(Finding.ok("connect", "reachable", client.baseUrl() + (embedded ? " (embedded)" : "") + ", Kafka Connect "
                    + client.serverInfo().path("version").asText()));
            List<String> plugins = client.connectorPlugins();
            for (String cls : List.of(ConnectRuntime.SOURCE_CLASS, ConnectRuntime.SINK_CLASS)) {
                add(plugins.contains(cls) ? Finding.ok("connect", "plugin", cls)
                        : Finding.blocker("connect", "plugin", cls + " is not installed on the workers' plugin.path"));
            }
            List<String> existing = client.connectors();
            for (String name : List.of(names.sourceConnector(), names.sinkConnector())) {
                if (existing.contains(name)) {
                    add(Finding.warn("connect", "connector " + name, "exists: warp start updates its config"));
                }
            }
        } catch (RuntimeException e) {
            add(Finding.blocker("connect", "reachable", e.getMessage()));
        }
    }
}
