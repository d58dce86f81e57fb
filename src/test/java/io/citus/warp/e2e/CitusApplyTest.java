package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.WorkerLog;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink against a real Citus cluster (coordinator + 2 workers): a hash-distributed table whose
 * distribution column is not the source key, the same with REPLICA IDENTITY FULL, a co-located table
 * keyed by (tenant_id, id) and a reference table. Snapshot and streaming leave the target equal to the
 * source; a tenant move (an UPDATE of the distribution column, which Citus refuses in place) ends with
 * the row moved; deletes whose before-image lacks the distribution column go to all shards and are
 * logged once, with REPLICA IDENTITY FULL they go to one shard.
 */
@EndToEnd
@Citus
class CitusApplyTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void distributedAndReferenceTablesFollowTheSourceIncludingTenantMovesAndDeletes(TestEnvironment env, CitusCluster citus)
            throws Exception {
        try (Migration m = new Migration(env, "citus", citus); WorkerLog log = WorkerLog.of(env, "io.citus.warp.sink.apply.RowWriter")) {
            String s = m.id();
            String source = """
                    CREATE SCHEMA %1$s;
                    CREATE TABLE %1$s.countries (code text PRIMARY KEY, name text NOT NULL);
                    CREATE TABLE %1$s.orders (id bigint PRIMARY KEY, tenant_id int NOT NULL, amount numeric(12,2), note text);
                    CREATE TABLE %1$s.orders_full (id bigint PRIMARY KEY, tenant_id int NOT NULL, amount numeric(12,2));
                    ALTER TABLE %1$s.orders_full REPLICA IDENTITY FULL;
                    CREATE TABLE %1$s.items (tenant_id int, id bigint, sku text, qty int, PRIMARY KEY (tenant_id, id));
                    """.formatted(s);
            m.sourceSql(source,
                    "INSERT INTO " + s + ".countries VALUES ('de', 'Germany'), ('fr', 'France'), ('nl', 'Netherlands')",
                    "INSERT INTO " + s + ".orders SELECT g, g % 20, g * 1.5, 'order ' || g FROM generate_series(1, 3000) g",
                    "INSERT INTO " + s + ".orders_full SELECT g, g % 20, g FROM generate_series(1, 500) g",
                    "INSERT INTO " + s + ".items SELECT g % 20, g, 'sku-' || g, g % 7 FROM generate_series(1, 2000) g");
            // On Citus the distribution column must be part of the primary key, so orders' key grows by tenant_id.
            citus.createSchema(s);
            m.targetSql("""
                    CREATE TABLE %1$s.countries (code text PRIMARY KEY, name text NOT NULL);
                    SELECT create_reference_table('%1$s.countries');
                    CREATE TABLE %1$s.orders (id bigint, tenant_id int NOT NULL, amount numeric(12,2), note text, PRIMARY KEY (tenant_id, id));
                    SELECT create_distributed_table('%1$s.orders', 'tenant_id');
                    CREATE TABLE %1$s.orders_full (id bigint, tenant_id int NOT NULL, amount numeric(12,2), PRIMARY KEY (tenant_id, id));
                    SELECT create_distributed_table('%1$s.orders_full', 'tenant_id', colocate_with => '%1$s.orders');
                    CREATE TABLE %1$s.items (tenant_id int, id bigint, sku text, qty int, PRIMARY KEY (tenant_id, id));
                    SELECT create_distributed_table('%1$s.items', 'tenant_id', colocate_with => '%1$s.orders');
                    """.formatted(s));
            assertEquals("distributed", citusTableType(m, s + ".orders"));
            assertEquals("reference", citusTableType(m, s + ".countries"));

            String tables = s + ".countries," + s + ".orders," + s + ".orders_full," + s + ".items";
            String[] compare = {s + ".countries", "code", s + ".orders", "id", s + ".orders_full", "id", s + ".items", "tenant_id, id"};
            m.deploySource(tables);
            m.deploySink(tables);
            TableDigest.awaitEqual(m, WAIT, compare);

            m.sourceSql("BEGIN",
                    "INSERT INTO " + s + ".countries VALUES ('it', 'Italy')",
                    "UPDATE " + s + ".countries SET name = 'Deutschland' WHERE code = 'de'",
                    "DELETE FROM " + s + ".countries WHERE code = 'fr'",
                    "INSERT INTO " + s + ".orders VALUES (3001, 7, 10.00, 'new')",
                    "UPDATE " + s + ".orders SET amount = amount + 1 WHERE id <= 100",
                    "UPDATE " + s + ".items SET qty = qty + 1 WHERE tenant_id = 3",
                    "DELETE FROM " + s + ".items WHERE id BETWEEN 10 AND 20",
                    "COMMIT",
                    // Tenant moves: the distribution column changes, in place on the source.
                    "UPDATE " + s + ".orders SET tenant_id = 19, note = 'moved' WHERE id IN (1, 2, 3)",
                    "UPDATE " + s + ".orders_full SET tenant_id = 18 WHERE id = 4",
                    // A move and a later change of the same row in one transaction.
                    "BEGIN",
                    "UPDATE " + s + ".orders SET tenant_id = 5 WHERE id = 10",
                    "UPDATE " + s + ".orders SET amount = 0 WHERE id = 10",
                    "COMMIT",
                    // Deletes: the before-image of orders has only id (REPLICA IDENTITY DEFAULT), of orders_full every column.
                    "DELETE FROM " + s + ".orders WHERE id BETWEEN 200 AND 205",
                    "DELETE FROM " + s + ".orders WHERE id = 300",
                    "DELETE FROM " + s + ".orders_full WHERE id BETWEEN 200 AND 205");
            TableDigest.awaitEqual(m, WAIT, compare);
            for (int i = 0; i < compare.length; i += 2) {
                TableDigest.assertEqual(m, compare[i], compare[i + 1]);
            }
            try (Connection c = m.target(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT tenant_id, note FROM " + s + ".orders WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals(19, rs.getInt(1), "the row moved to the new tenant's shard");
                assertEquals("moved", rs.getString(2));
                assertTrue(!rs.next(), "and only one copy of it exists");
            }

            List<String> allShard = log.messages().stream().filter(msg -> msg.contains("all shards")).toList();
            assertEquals(1, allShard.stream().filter(msg -> msg.contains("deletes on " + s + ".orders are")).count(),
                    "all-shard deletes on orders logged exactly once: " + allShard);
            assertEquals(0, allShard.stream().filter(msg -> msg.contains(".orders_full")).count(),
                    "orders_full (REPLICA IDENTITY FULL) deletes are routed to one shard: " + allShard);
            m.close(); // connectors gone before their tables: an external cluster is left as found
            m.targetSql("DROP SCHEMA " + s + " CASCADE");
        }
    }

    private static String citusTableType(Migration m, String table) throws SQLException {
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT citus_table_type FROM citus_tables WHERE table_name = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
