package io.citus.warp.cutover;

import io.citus.warp.cli.MigrationSettings.MigrationNames;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Removes what a migration left behind: connectors, the slot and the publication on the source, optionally the topic. */
public final class Teardown {
    private Teardown() {
    }

    public static List<String> run(ConnectClient connect, String bootstrapServers, PgEndpoint source, MigrationNames names,
                                   boolean deleteTopics) throws Exception {
        List<String> done = new ArrayList<>();
        if (connect != null) {
            for (String name : List.of(names.sourceConnector(), names.sinkConnector())) {
                connect.delete(name);
                done.add("deleted connector " + name);
            }
        }
        try (Connection c = source.connect()) {
            // After cutover --block-writes the database defaults to read-only; warp's own session needs to drop things.
            Sql.exec(c, "SET default_transaction_read_only = off");
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                List<String[]> slot = Sql.rows(c, "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?", names.slot());
                if (slot.isEmpty()) {
                    break;
                }
                if ("t".equals(slot.get(0)[0])) {
                    if (System.currentTimeMillis() > deadline - 30_000 && slot.get(0)[1] != null) {
                        // The deleted connector's walsender should have gone; end it.
                        Sql.one(c, "SELECT pg_terminate_backend(?)", Integer.parseInt(slot.get(0)[1]));
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
        }
        if (deleteTopics) {
            if (bootstrapServers == null) {
                throw new IllegalArgumentException("--delete-topics needs --bootstrap-servers");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                admin.deleteTopics(List.of(names.topic())).all().get(60, TimeUnit.SECONDS);
                done.add("deleted topic " + names.topic());
            }
        }
        return done;
    }
}
