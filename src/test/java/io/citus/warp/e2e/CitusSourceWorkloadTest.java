package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The source-workload suite ({@link SourceWorkloads}) into a real Citus cluster (coordinator + 2 workers),
 * the tables distributed as a user would: most by their key (co-located), the tenant tables by tenant_id
 * with the key extended by it (tenant_keys has nothing but the key and the distribution column), the
 * small ones as reference tables, a distributed table with a foreign key to a reference table, and the
 * partitioned table distributed with its partitions.
 */
@EndToEnd
@Citus
class CitusSourceWorkloadTest extends SourceWorkloads {
    private CitusCluster citus;

    @BeforeAll
    void startMigration(TestEnvironment environment, CitusCluster cluster) throws Exception {
        citus = cluster;
        start(environment, "citusworkloads");
    }

    @Override
    protected Migration newMigration(TestEnvironment environment, String label) {
        return new Migration(environment, label, citus);
    }

    @Override
    protected void createTarget() throws SQLException {
        citus.createSchema(s);
        String tables = TABLES;
        // Citus: a distributed table's primary key must contain its distribution column.
        tables = replace(tables, "tenant_move (id bigint PRIMARY KEY, tenant_id int NOT NULL, v text)",
                "tenant_move (id bigint NOT NULL, tenant_id int NOT NULL, v text, PRIMARY KEY (tenant_id, id))");
        tables = replace(tables, "tenant_keys (id bigint PRIMARY KEY, tenant_id int NOT NULL)",
                "tenant_keys (id bigint NOT NULL, tenant_id int NOT NULL, PRIMARY KEY (tenant_id, id))");
        // The foreign key is added once its tables are distributed.
        tables = replace(tables, " REFERENCES %1$s.trunc_parent", "");
        List<String> statements = new ArrayList<>();
        for (String statement : tables.formatted(s).split(";\n")) {
            if (!statement.isBlank()) {
                statements.add(statement);
            }
        }
        for (String reference : new String[] {"sync", "counters", "trunc_parent", "fk_self"}) {
            statements.add("SELECT create_reference_table('" + s + "." + reference + "')");
        }
        for (String byKey : new String[] {"copy_text", "copy_binary", "copy_in_tx", "copy_in_tx_log", "insert_select", "multi_values",
            "upsert", "key_change", "key_change_toast", "savepoints", "aborted", "empty_tx", "commit_order", "concurrent",
            "trunc_child", "trunc_mixed", "measurements", "ri_full", "outbox"}) {
            statements.add("SELECT create_distributed_table('" + s + "." + byKey + "', 'id')");
        }
        for (String byTenant : new String[] {"tenant_move", "tenant_keys", "tenant_pairs", "ri_index", "ri_index_key"}) {
            statements.add("SELECT create_distributed_table('" + s + "." + byTenant + "', 'tenant_id')");
        }
        statements.add("ALTER TABLE " + s + ".trunc_child ADD FOREIGN KEY (parent_id) REFERENCES " + s + ".trunc_parent");
        m.targetSql(statements.toArray(String[]::new));
    }

    /**
     * A reference table with a distributed table referencing it (foreign key), written in the same target
     * transaction as a multi-shard write to another distributed table: Citus then needs all of the
     * transaction's work on one connection per node. Both in the initial snapshot (key_change's rows are
     * loaded before trunc_parent's) and in one streamed source transaction.
     */
    @Test
    void referenceTableWithForeignKeyWrittenWithOtherDistributedTables() throws Exception {
        isolated("fkref", new String[] {"key_change", "trunc_parent", "trunc_child"}, () -> {
            sql("BEGIN",
                    "UPDATE " + s + ".key_change SET n = n + 1",
                    "UPDATE " + s + ".trunc_parent SET v = 'with a multi-shard update' WHERE id <= 10",
                    "INSERT INTO " + s + ".trunc_child VALUES (1000, 1, 'new child')",
                    "COMMIT");
            syncAndCompare("key_change", "trunc_parent", "trunc_child");
        });
    }

    @Override
    protected void dropTarget() throws SQLException {
        m.targetSql("DROP SCHEMA " + s + " CASCADE");
    }

    private static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalStateException("table definition changed: " + from);
        }
        return text.replace(from, to);
    }
}
