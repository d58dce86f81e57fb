package io.citus.warp.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.migration.FindingsException;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectRestException;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.apache.kafka.clients.admin.Admin;
import io.citus.warp.runtime.KafkaClients;
import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.ProgressTables;
import io.citus.warp.status.ProgressLocation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a migration left behind, so that a new run under the same name starts clean: the
 * connectors with Debezium's source offsets (a new source connector of the same name would resume
 * from them and skip its snapshot) and the sink's consumer group, the sink's progress rows on the
 * target, the slot, the publication and the schema-change capture on the source, and optionally the topic. It refuses to drop the
 * slot while another connector uses it, unless told to delete those connectors too.
 */
public final class Teardown {
    private Teardown() {
    }

    /**
     * What to remove besides the migration's own connectors, slot, publication, offsets and progress rows.
     *
     * @param terminateForeignWalsender terminate a walsender still streaming from the slot after this migration's
     *                                  connectors were removed (a consumer Warp did not deploy there); without it, refuse
     * @param foreignWalsenderGrace     how long after the connectors were removed a walsender still on the slot is taken
     *                                  for theirs (it exits shortly after its connector stopped); after it, for a foreign one
     */
    public record Options(boolean deleteTopics, boolean deleteConnectors, String progressSchema, boolean terminateForeignWalsender,
                          Duration foreignWalsenderGrace) {
        public Options(boolean deleteTopics, boolean deleteConnectors, String progressSchema, boolean terminateForeignWalsender) {
            this(deleteTopics, deleteConnectors, progressSchema, terminateForeignWalsender, FOREIGN_WALSENDER_GRACE);
        }
    }

    /** The default of {@link Options#foreignWalsenderGrace()} (finish --walsender-grace). */
    public static final Duration FOREIGN_WALSENDER_GRACE = Duration.ofSeconds(30);

    /** How long a walsender terminated with --force, or one of ours past the grace, may take to release the slot. */
    private static final long RELEASE_AFTER_GRACE_MS = 30_000;

    /**
     * @param target the target database, for the progress rows (null: leave them, and say so)
     * @throws FindingsException when other connectors use the slot and {@code deleteConnectors} is not set,
     *                           or when the slot is in use and no Connect cluster was named
     */
    public static List<String> run(ConnectClient connect, KafkaClients kafka, PgEndpoint source, PgEndpoint target,
                                   MigrationNames names, Options options) throws Exception {
        List<String> done = new ArrayList<>();
        // Read before the sink is deleted: a hand-deployed sink may record its progress elsewhere than warp's default.
        ProgressLocation progress = ProgressLocation.resolve(connect, names, options.progressSchema());
        if (connect != null) {
            List<String> others = otherConnectorsUsingSlot(connect, names);
            if (!others.isEmpty() && !options.deleteConnectors()) {
                throw new FindingsException("refusing to finish: connector(s) " + others + " also use replication slot "
                        + names.slot() + "; dropping it would break them. Delete them first, or give --delete-connectors.");
            }
            connect.removeWithOffsets(names.sourceConnector(), "Debezium's source offsets", done);
            connect.removeWithOffsets(names.sinkConnector(), "the sink's consumer group offsets", done);
            for (String copy : baseCopyConnectors(connect, names)) {
                // Its record (base_copy rows) goes with the progress rows below; a copy still running ends with it.
                connect.delete(copy);
                done.add("deleted base-copy connector " + copy);
            }
            for (String other : others) {
                connect.delete(other);
                done.add("deleted connector " + other + " (it used slot " + names.slot() + ")");
            }
        }
        dropSlotAndPublication(source, names, connect, options.terminateForeignWalsender(), options.foreignWalsenderGrace(), done);
        if (kafka != null && kafka.known()) {
            deleteConsumerGroup(kafka, names, done);
        }
        if (target != null) {
            deleteProgress(target, options.progressSchema(), progress, names, done);
        } else {
            done.add("progress rows of stream " + progress.stream() + " left on the target (no target given)");
        }
        if (options.deleteTopics()) {
            if (kafka == null || !kafka.known()) {
                throw new IllegalArgumentException("--delete-topics needs --bootstrap-servers");
            }
            try (Admin admin = kafka.admin(Map.of())) {
                admin.deleteTopics(List.of(names.topic())).all().get(60, TimeUnit.SECONDS);
                done.add("deleted topic " + names.topic());
            }
        }
        return done;
    }

    /**
     * Connectors other than the migration's own whose config names its replication slot. The migration's base-copy
     * connectors (whatever their names) are its own: they copy for this slot and are removed with it.
     */
    static List<String> otherConnectorsUsingSlot(ConnectClient connect, MigrationNames names) {
        return connectorsUsingSlot(connect, names, false);
    }

    /** This migration's base-copy connectors: {@code BaseCopyConnector}s recording their copy under its slot. */
    static List<String> baseCopyConnectors(ConnectClient connect, MigrationNames names) {
        return connectorsUsingSlot(connect, names, true);
    }

    private static List<String> connectorsUsingSlot(ConnectClient connect, MigrationNames names, boolean baseCopy) {
        List<String> users = new ArrayList<>();
        for (String name : connect.connectors()) {
            if (name.equals(names.sourceConnector()) || name.equals(names.sinkConnector())) {
                continue;
            }
            JsonNode config;
            try {
                config = connect.connectorConfig(name);
            } catch (ConnectRestException e) {
                continue; // deleted meanwhile
            }
            boolean copy = BASE_COPY_CLASS.equals(config.path("connector.class").asText(null));
            if (copy == baseCopy && names.slot().equals(config.path("slot.name").asText(null))) {
                users.add(name);
            }
        }
        return users;
    }

    private static final String BASE_COPY_CLASS = "io.citus.warp.basecopy.connect.BaseCopyConnector";

    private static void deleteConsumerGroup(KafkaClients kafka, MigrationNames names, List<String> done)
            throws Exception {
        try (Admin admin = kafka.admin(Map.of())) {
            admin.deleteConsumerGroups(List.of(names.consumerGroup())).all().get(60, TimeUnit.SECONDS);
            done.add("deleted consumer group " + names.consumerGroup());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return; // already gone with the sink's offsets
            }
            if (e.getCause() instanceof GroupNotEmptyException) {
                throw new FindingsException("consumer group " + names.consumerGroup() + " still has members: a sink "
                        + "connector of that name runs on another Connect cluster. Delete it, then run finish again.");
            }
            throw e;
        }
    }

    private static void deleteProgress(PgEndpoint target, String schema, ProgressLocation progress, MigrationNames names,
                                       List<String> done) throws Exception {
        try (Connection c = target.connect()) {
            for (String table : ProgressTables.ALL) {
                if ("t".equals(Sql.one(c, "SELECT to_regclass(?) IS NOT NULL", ProgressTables.qualified(progress.schema(), table)))) {
                    try (PreparedStatement ps = c.prepareStatement(ProgressTables.deleteStream(progress.schema(), table))) {
                        ps.setString(1, progress.stream());
                        ps.executeUpdate();
                    }
                }
            }
            // The base copy's record of this slot too: a re-run under the same name must copy again, not find a
            // finished copy whose slot is gone.
            if (BaseCopyTables.exist(c, schema)) {
                for (String table : BaseCopyTables.ALL) {
                    try (PreparedStatement ps = c.prepareStatement(BaseCopyTables.deleteSlot(schema, table))) {
                        ps.setString(1, names.slot());
                        ps.executeUpdate();
                    }
                }
            }
            done.add("deleted the progress rows of stream " + progress.stream() + " and of its base copy on the target");
        }
    }

    /** A walsender as pg_stat_activity knows it: pid, application name, client address, since when. */
    private static String walsender(Connection c, int pid) throws java.sql.SQLException {
        List<String[]> rows = Sql.rows(c, "SELECT coalesce(application_name, ''), coalesce(host(client_addr), 'local socket'),"
                + " date_trunc('second', backend_start)::text, coalesce(usename::text, '') FROM pg_stat_activity WHERE pid = ?", pid);
        if (rows.isEmpty()) {
            return "walsender pid " + pid;
        }
        String[] r = rows.get(0);
        return "walsender pid " + pid + " (application_name '" + r[0] + "', user " + r[3] + ", from " + r[1] + ", since " + r[2] + ")";
    }

    private static void dropSlotAndPublication(PgEndpoint source, MigrationNames names, ConnectClient connect,
                                               boolean terminateForeign, Duration grace, List<String> done) throws Exception {
        boolean connectorsRemoved = connect != null;
        try (Connection c = source.connect()) {
            // After cutover --block-writes the database defaults to read-only; warp's own session needs to drop things.
            Sql.exec(c, "SET default_transaction_read_only = off");
            long graceEnd = System.currentTimeMillis() + grace.toMillis();
            long deadline = graceEnd + RELEASE_AFTER_GRACE_MS;
            while (true) {
                List<String[]> slot = Sql.rows(c, "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?", names.slot());
                if (slot.isEmpty()) {
                    break;
                }
                if ("t".equals(slot.get(0)[0])) {
                    if (!connectorsRemoved) {
                        throw new FindingsException("refusing to drop replication slot " + names.slot() + ": it is in use "
                                + "(walsender pid " + slot.get(0)[1] + "). Give --connect-url so that finish removes the "
                                + "connectors, or delete the connector reading it first.");
                    }
                    if (System.currentTimeMillis() > graceEnd && slot.get(0)[1] != null) {
                        // The deleted connectors' walsender would have gone by now: this one streams for someone else.
                        int pid = Integer.parseInt(slot.get(0)[1]);
                        String who = walsender(c, pid);
                        if (!terminateForeign) {
                            throw new FindingsException("refusing to drop replication slot " + names.slot() + ": " + grace.toSeconds() + " s after this"
                                    + " migration's connectors were removed from " + connect.baseUrl() + ", " + who + " still streams"
                                    + " from it, so it is not one of them (another Connect cluster, or another consumer). The"
                                    + " connectors are removed; the slot and publication are left. Stop that consumer and run"
                                    + " finish again, or run finish again with --force to terminate it.");
                        }
                        if ("t".equals(Sql.one(c, "SELECT pg_terminate_backend(?)", pid))) {
                            done.add("terminated " + who + ", which held replication slot " + names.slot() + " (--force)");
                        }
                    }
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("replication slot " + names.slot() + " is still in use");
                    }
                    Thread.sleep(500);
                    continue;
                }
                Sql.one(c, "SELECT pg_drop_replication_slot(?)", names.slot());
                done.add("dropped replication slot " + names.slot());
                break;
            }
            if (Sql.one(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", names.publication()) != null) {
                Sql.exec(c, "DROP PUBLICATION " + Sql.ident(names.publication()));
                done.add("dropped publication " + names.publication());
            }
            done.addAll(io.citus.warp.schema.SchemaChangeTracking.remove(c, names.slot()));
        }
    }
}
