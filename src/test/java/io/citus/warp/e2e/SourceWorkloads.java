package io.citus.warp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.RowDiff;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source workloads a production database runs, each applied on the source WHILE the migration streams
 * (after its initial snapshot), then every table it touched compared row by row with the source in the
 * text form of every column ({@link RowDiff}).
 *
 * <p>One migration (one Debezium source, one sink, one topic) serves every workload of a class: each
 * workload owns its tables, so a workload the sink gets wrong fails only its own test. After a workload,
 * {@link #sync()} commits a marker row on the source and waits for it on the target; the sink applies
 * source transactions in commit order, so once the marker is there everything committed before it must be
 * there too, and the comparison needs no waiting. A sink task that FAILED ends the wait at once with its
 * trace (and later workloads report that it had already failed).
 *
 * <p>Subclasses choose the target: a plain PostgreSQL database ({@link SourceWorkloadTest}) or a Citus
 * cluster with the tables distributed as a user would ({@link CitusSourceWorkloadTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SourceWorkloads {
    /** Generous: on a loaded 2-core machine Debezium streamed only a few hundred rows/s. Failures end the wait at once. */
    static final Duration WAIT = Duration.ofSeconds(900);
    static final int COPY_ROWS = 20_000;
    static final int INSERT_SELECT_ROWS = 50_000;

    /** The source tables, in schema {@code %1$s}; a plain PostgreSQL target gets the same definitions. */
    static final String TABLES = """
            CREATE TABLE %1$s.sync (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE %1$s.copy_text (id bigint PRIMARY KEY, v text, amount numeric(12,2), at timestamptz, data bytea, flag boolean);
            CREATE TABLE %1$s.copy_binary (id bigint PRIMARY KEY, v text, n bigint, flag boolean, data bytea);
            CREATE TABLE %1$s.copy_in_tx (id bigint PRIMARY KEY, v text, n bigint, flag boolean, data bytea);
            CREATE TABLE %1$s.copy_in_tx_log (id bigint PRIMARY KEY, note text);
            CREATE TABLE %1$s.insert_select (id bigint PRIMARY KEY, v text, amount numeric(12,2));
            CREATE TABLE %1$s.multi_values (id bigint PRIMARY KEY, v text, n int);
            CREATE TABLE %1$s.upsert (id bigint PRIMARY KEY, hits int NOT NULL, v text);
            CREATE TABLE %1$s.key_change (id bigint PRIMARY KEY, v text, n int);
            CREATE TABLE %1$s.key_change_toast (id bigint PRIMARY KEY, n int, body text);
            CREATE TABLE %1$s.tenant_move (id bigint PRIMARY KEY, tenant_id int NOT NULL, v text);
            CREATE TABLE %1$s.tenant_keys (id bigint PRIMARY KEY, tenant_id int NOT NULL);
            CREATE TABLE %1$s.tenant_pairs (tenant_id int NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id));
            CREATE TABLE %1$s.savepoints (id bigint PRIMARY KEY, v text);
            CREATE TABLE %1$s.aborted (id bigint PRIMARY KEY, v text);
            CREATE TABLE %1$s.empty_tx (id bigint PRIMARY KEY, v text);
            CREATE TABLE %1$s.commit_order (id bigint PRIMARY KEY, v text, n int);
            CREATE TABLE %1$s.concurrent (id bigint PRIMARY KEY, worker int NOT NULL, n int NOT NULL, v text);
            CREATE TABLE %1$s.counters (id bigint PRIMARY KEY, n bigint NOT NULL);
            CREATE TABLE %1$s.trunc_parent (id bigint PRIMARY KEY, v text);
            CREATE TABLE %1$s.trunc_child (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES %1$s.trunc_parent, v text);
            CREATE TABLE %1$s.trunc_mixed (id bigint PRIMARY KEY, v text);
            CREATE TABLE %1$s.fk_self (id bigint PRIMARY KEY, manager_id bigint REFERENCES %1$s.fk_self, v text);
            CREATE TABLE %1$s.measurements (id bigint NOT NULL, region text NOT NULL, v int, PRIMARY KEY (id, region))
              PARTITION BY LIST (region);
            CREATE TABLE %1$s.measurements_eu PARTITION OF %1$s.measurements FOR VALUES IN ('eu');
            CREATE TABLE %1$s.measurements_us PARTITION OF %1$s.measurements FOR VALUES IN ('us');
            CREATE TABLE %1$s.measurements_other PARTITION OF %1$s.measurements DEFAULT;
            CREATE TABLE %1$s.ri_index (tenant_id int NOT NULL, id bigint NOT NULL, code text NOT NULL, v text,
              PRIMARY KEY (tenant_id, id), CONSTRAINT ri_index_code UNIQUE (tenant_id, code));
            CREATE TABLE %1$s.ri_index_key (tenant_id int NOT NULL, id bigint NOT NULL, code text NOT NULL, v text,
              PRIMARY KEY (tenant_id, id), CONSTRAINT ri_index_key_code UNIQUE (tenant_id, code));
            CREATE TABLE %1$s.ri_full (id bigint PRIMARY KEY, n int, v text, doc jsonb, body text);
            CREATE TABLE %1$s.outbox (id bigint PRIMARY KEY, v text);
            """;

    /** Source-only: replica identities, a table outside the publication, and incompressible TOAST values. */
    static final String SOURCE_EXTRAS = """
            ALTER TABLE %1$s.ri_index REPLICA IDENTITY USING INDEX ri_index_code;
            ALTER TABLE %1$s.ri_index_key REPLICA IDENTITY USING INDEX ri_index_key_code;
            ALTER TABLE %1$s.ri_full REPLICA IDENTITY FULL;
            CREATE TABLE %1$s.not_captured (id bigint PRIMARY KEY, v text);
            CREATE FUNCTION %1$s.big_hex(seed int) RETURNS text LANGUAGE sql IMMUTABLE AS
              $$ SELECT string_agg(md5(seed::text || ':' || i), '') FROM generate_series(1, 300) i $$;
            """;

    static final String SEED = """
            INSERT INTO %1$s.copy_text VALUES (0, 'seed', 0, '2020-01-01 00:00:00+00', '\\x00', true);
            INSERT INTO %1$s.copy_binary VALUES (0, 'seed', 0, true, '\\x00');
            INSERT INTO %1$s.copy_in_tx VALUES (0, 'seed', 0, true, '\\x00');
            INSERT INTO %1$s.insert_select VALUES (0, 'seed', 0);
            INSERT INTO %1$s.multi_values VALUES (0, 'seed', 0);
            INSERT INTO %1$s.upsert SELECT g, 1, 'seed ' || g FROM generate_series(1, 1000) g;
            INSERT INTO %1$s.key_change SELECT g, 'k ' || g, g FROM generate_series(1, 2000) g;
            INSERT INTO %1$s.key_change_toast SELECT g, g, %1$s.big_hex(g) FROM generate_series(1, 20) g;
            INSERT INTO %1$s.tenant_move SELECT g, g %% 8, 'order ' || g FROM generate_series(1, 400) g;
            INSERT INTO %1$s.tenant_keys SELECT g, g %% 8 FROM generate_series(1, 400) g;
            INSERT INTO %1$s.tenant_pairs SELECT g %% 8, g FROM generate_series(1, 400) g;
            INSERT INTO %1$s.savepoints SELECT g, 'seed ' || g FROM generate_series(1, 10) g;
            INSERT INTO %1$s.aborted SELECT g, 'seed ' || g FROM generate_series(1, 10) g;
            INSERT INTO %1$s.empty_tx VALUES (0, 'seed');
            INSERT INTO %1$s.commit_order SELECT g, 'seed ' || g, 0 FROM generate_series(1, 100) g;
            INSERT INTO %1$s.concurrent VALUES (0, 0, 0, 'seed');
            INSERT INTO %1$s.counters SELECT g, 0 FROM generate_series(1, 5) g;
            INSERT INTO %1$s.trunc_parent SELECT g, 'p ' || g FROM generate_series(1, 50) g;
            INSERT INTO %1$s.trunc_child SELECT g, 1 + g %% 50, 'c ' || g FROM generate_series(1, 200) g;
            INSERT INTO %1$s.trunc_mixed SELECT g, 'm ' || g FROM generate_series(1, 100) g;
            INSERT INTO %1$s.measurements SELECT g, (ARRAY['eu', 'us', 'apac'])[1 + g %% 3], g FROM generate_series(1, 300) g;
            INSERT INTO %1$s.ri_index SELECT g %% 4, g, 'code-' || g, 'v ' || g FROM generate_series(1, 200) g;
            INSERT INTO %1$s.ri_index SELECT t, 0, 'zero-' || t, 'id 0' FROM generate_series(0, 3) t;
            INSERT INTO %1$s.ri_index_key SELECT g %% 4, g, 'code-' || g, 'v ' || g FROM generate_series(1, 200) g;
            INSERT INTO %1$s.ri_full SELECT g, g, 'v ' || g, jsonb_build_object('g', g), %1$s.big_hex(g) FROM generate_series(1, 50) g;
            INSERT INTO %1$s.outbox VALUES (0, 'seed');
            """;

    private static final String[] CAPTURED = {"sync", "copy_text", "copy_binary", "copy_in_tx", "copy_in_tx_log", "insert_select",
        "multi_values", "upsert", "key_change", "key_change_toast", "tenant_move", "tenant_keys", "tenant_pairs", "savepoints",
        "aborted", "empty_tx", "commit_order", "concurrent", "counters", "trunc_mixed",
        "measurements", "ri_index", "ri_full", "outbox"};

    protected TestEnvironment env;
    protected Migration m;
    /** The schema holding every table, on the source and (same name) on the target. */
    protected String s;
    private long marker;

    /** A migration under test (plain target database or Citus cluster); {@code label} names its objects. */
    protected abstract Migration newMigration(TestEnvironment env, String label);

    /** Creates the schema and tables on the target; a Citus target distributes them. */
    protected abstract void createTarget() throws SQLException;

    /** Drops what the class created on a shared target. */
    protected void dropTarget() throws SQLException {
    }

    /** Starts the shared migration: tables, seed rows, both connectors, and the initial snapshot applied. */
    protected void start(TestEnvironment environment, String label) throws Exception {
        env = environment;
        open(label, CAPTURED);
    }

    /** A migration capturing {@code captured}: tables and seed rows, both connectors, initial snapshot applied. */
    private void open(String label, String[] captured) throws Exception {
        m = newMigration(env, label);
        s = m.id();
        marker = 0;
        m.sourceSql("CREATE SCHEMA " + s, TABLES.formatted(s), SOURCE_EXTRAS.formatted(s), SEED.formatted(s));
        createTarget();
        StringBuilder tables = new StringBuilder();
        for (String table : captured) {
            tables.append(tables.length() == 0 ? "" : ",").append(s).append('.').append(table);
        }
        m.deploySource(tables.toString());
        // A transaction buffer far below the bulk workloads' sizes (COPY 20,000 rows, INSERT ... SELECT 50,000): those
        // transactions are written in parts into one open target transaction, the path a huge transaction takes.
        // The replica identity indexes, as a connector-only user declares them (warp start reads them from the catalog).
        m.deploySink(tables.toString(), java.util.Map.of("apply.transaction.buffer.changes", "5000",
                "replica.identity.index", s + ".ri_index:tenant_id+code," + s + ".ri_index_key:tenant_id+code"));
        sync();
        for (String table : captured) {
            if (!table.equals("sync")) {
                RowDiff.assertSame(m, s + "." + table, keyOf(table));
            }
        }
    }

    /**
     * Runs a workload on a migration of its own capturing only {@code tables}: for a workload that fails
     * the sink on the current code, so the shared stream's other workloads still run.
     */
    protected void isolated(String label, String[] tables, Workload workload) throws Exception {
        Migration shared = m;
        String sharedSchema = s;
        long sharedMarker = marker;
        try {
            String[] captured = new String[tables.length + 1];
            captured[0] = "sync";
            System.arraycopy(tables, 0, captured, 1, tables.length);
            try {
                open(label, captured);
                workload.run();
            } finally {
                if (m != shared) {
                    m.close();
                    dropTarget();
                }
            }
        } finally {
            m = shared;
            s = sharedSchema;
            marker = sharedMarker;
        }
    }

    @FunctionalInterface
    protected interface Workload {
        void run() throws Exception;
    }

    private static String[] keyOf(String table) {
        return switch (table) {
            case "tenant_pairs", "ri_index", "ri_index_key" -> new String[] {"tenant_id", "id"};
            case "measurements" -> new String[] {"id", "region"};
            default -> new String[] {"id"};
        };
    }

    @AfterAll
    void stop() throws Exception {
        if (m != null) {
            m.close();
            dropTarget();
        }
    }

    /** A workload after a FAILED sink would only repeat that failure: say so instead. */
    @BeforeEach
    void connectorsStillRunning() {
        if (m != null) {
            assertNotFailed("before this workload (an earlier workload failed it)");
        }
    }

    // ---------------------------------------------------------------------------------------------- COPY

    @Test
    void copyText() throws Exception {
        try (Connection c = m.source()) {
            long copied = copyText(c, "copy_text", 1, COPY_ROWS);
            assertEquals(COPY_ROWS, copied);
        }
        syncAndCompare("copy_text");
    }

    @Test
    void copyBinary() throws Exception {
        try (Connection c = m.source()) {
            assertEquals(COPY_ROWS, copyBinary(c, "copy_binary", 1, COPY_ROWS));
        }
        syncAndCompare("copy_binary");
    }

    /** COPY text and binary inside one transaction with inserts, updates and deletes around and between them. */
    @Test
    void copyInsideTransactionWithOtherStatements() throws Exception {
        try (Connection c = m.source(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO " + s + ".copy_in_tx_log VALUES (1, 'before the copies')");
            st.execute("UPDATE " + s + ".copy_in_tx SET v = 'seed changed' WHERE id = 0");
            assertEquals(COPY_ROWS / 2, copyTextInTx(c, 1, COPY_ROWS / 2));
            st.execute("UPDATE " + s + ".copy_in_tx SET n = -n, v = v || ' updated' WHERE id % 7 = 0");
            assertEquals(COPY_ROWS / 2, copyBinary(c, "copy_in_tx", COPY_ROWS / 2 + 1, COPY_ROWS / 2));
            st.execute("DELETE FROM " + s + ".copy_in_tx WHERE id % 11 = 0");
            st.execute("INSERT INTO " + s + ".copy_in_tx_log VALUES (2, 'after the copies')");
            c.commit();
            // The case: a small COPY inside a transaction with an UPDATE.
            assertEquals(1_000, copyTextInTx(c, COPY_ROWS + 1, 1_000));
            st.execute("UPDATE " + s + ".copy_in_tx SET flag = NOT flag WHERE id > " + COPY_ROWS);
            c.commit();
        }
        syncAndCompare("copy_in_tx", "copy_in_tx_log");
    }

    private long copyTextInTx(Connection c, long first, int rows) throws Exception {
        // copy_in_tx has copy_binary's columns; write them in COPY's text format.
        StringBuilder text = new StringBuilder();
        for (long id = first; id < first + rows; id++) {
            text.append(id).append('\t').append(copyEscape(textValue(id))).append('\t')
                    .append(id % 13 == 0 ? "\\N" : Long.toString(id * 1_000_003L)).append('\t')
                    .append(id % 5 == 0 ? "\\N" : (id % 2 == 0 ? "t" : "f")).append('\t')
                    .append(id % 17 == 0 ? "\\N" : "\\\\x" + HexFormat.of().formatHex(bytes(id))).append('\n');
        }
        return copyIn(c, "COPY " + s + ".copy_in_tx (id, v, n, flag, data) FROM STDIN (FORMAT text)", text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private long copyText(Connection c, String table, long first, int rows) throws Exception {
        StringBuilder text = new StringBuilder();
        Instant base = Instant.parse("2024-01-01T00:00:00Z");
        for (long id = first; id < first + rows; id++) {
            text.append(id).append('\t').append(copyEscape(textValue(id))).append('\t')
                    .append(id % 9 == 0 ? "\\N" : String.format("%d.%02d", id * 3, id % 100)).append('\t')
                    .append(base.plusSeconds(id * 37).plusNanos(id % 1000 * 1000)).append('\t')
                    .append(id % 17 == 0 ? "\\N" : "\\\\x" + HexFormat.of().formatHex(bytes(id))).append('\t')
                    .append(id % 5 == 0 ? "\\N" : (id % 2 == 0 ? "t" : "f")).append('\n');
        }
        return copyIn(c, "COPY " + s + "." + table + " (id, v, amount, at, data, flag) FROM STDIN (FORMAT text)",
                text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** COPY ... (FORMAT binary) of (id bigint, v text, n bigint, flag boolean, data bytea). */
    private long copyBinary(Connection c, String table, long first, int rows) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
            out.writeInt(0); // flags
            out.writeInt(0); // header extension length
            for (long id = first; id < first + rows; id++) {
                out.writeShort(5);
                out.writeInt(8);
                out.writeLong(id);
                String v = textValue(id);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
                if (id % 13 == 0) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(8);
                    out.writeLong(id * -1_000_003L);
                }
                if (id % 5 == 0) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(1);
                    out.writeByte(id % 2 == 0 ? 1 : 0);
                }
                if (id % 17 == 0) {
                    out.writeInt(-1);
                } else {
                    byte[] data = bytes(id);
                    out.writeInt(data.length);
                    out.write(data);
                }
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copyIn(c, "COPY " + s + "." + table + " (id, v, n, flag, data) FROM STDIN (FORMAT binary)", buffer.toByteArray());
    }

    private static long copyIn(Connection c, String sql, byte[] data) throws Exception {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(data));
    }

    /** Text with the characters COPY must escape, non-ASCII, the empty string and NULL among the rows. */
    private static String textValue(long id) {
        return switch ((int) (id % 10)) {
            case 0 -> null;
            case 1 -> "tab\there " + id;
            case 2 -> "line\nbreak " + id;
            case 3 -> "back\\slash \\N " + id;
            case 4 -> "grüße ✓ " + id;
            case 5 -> "";
            case 6 -> "cr\rlf " + id;
            default -> "row " + id;
        };
    }

    private static String copyEscape(String value) {
        if (value == null) {
            return "\\N";
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static byte[] bytes(long id) {
        byte[] b = new byte[(int) (id % 24)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (id * 31 + i * 7);
        }
        return b;
    }

    // ------------------------------------------------------------------------------------- bulk statements

    @Test
    void insertSelectOfManyRows() throws Exception {
        sql("INSERT INTO " + s + ".insert_select SELECT g, 'generated ' || g, g * 0.01 FROM generate_series(1, " + INSERT_SELECT_ROWS + ") g",
                // and from itself, in one transaction with an update of what it just inserted
                "BEGIN",
                "INSERT INTO " + s + ".insert_select SELECT id + 1000000, v || ' again', amount * 2 FROM " + s + ".insert_select WHERE id % 10 = 0",
                "UPDATE " + s + ".insert_select SET amount = NULL WHERE id > 1000000 AND id % 3 = 0",
                "COMMIT");
        syncAndCompare("insert_select");
    }

    @Test
    void multiRowValues() throws Exception {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 1_000; i++) {
            values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'values ").append(i).append("', ")
                    .append(i % 4 == 0 ? "NULL" : Integer.toString(i)).append(')');
        }
        sql("INSERT INTO " + s + ".multi_values VALUES " + values,
                "BEGIN",
                "INSERT INTO " + s + ".multi_values VALUES (2001, 'a', 1), (2002, 'b', 2), (2003, 'c', 3)",
                "UPDATE " + s + ".multi_values SET n = -n WHERE id IN (2001, 5)",
                "INSERT INTO " + s + ".multi_values VALUES (2004, 'd', 4), (2005, NULL, NULL)",
                "DELETE FROM " + s + ".multi_values WHERE id IN (2002, 6)",
                "COMMIT");
        syncAndCompare("multi_values");
    }

    @Test
    void insertOnConflictDoUpdate() throws Exception {
        String t = s + ".upsert";
        sql("INSERT INTO " + t + " SELECT g, 1, 'new ' || g FROM generate_series(501, 3000) g "
                        + "ON CONFLICT (id) DO UPDATE SET hits = upsert.hits + 1, v = excluded.v || ' (was ' || upsert.v || ')'",
                "INSERT INTO " + t + " VALUES (1, 100, 'ignored'), (4000, 1, 'inserted') ON CONFLICT (id) DO NOTHING",
                "BEGIN",
                "INSERT INTO " + t + " VALUES (2, 1, 'x'), (4001, 1, 'y') ON CONFLICT (id) DO UPDATE SET hits = upsert.hits + 10",
                "INSERT INTO " + t + " VALUES (2, 1, 'x') ON CONFLICT (id) DO UPDATE SET hits = upsert.hits + 10, v = 'twice'",
                "INSERT INTO " + t + " VALUES (3, 1, 'x') ON CONFLICT (id) DO UPDATE SET v = 'only if' WHERE upsert.hits > 5",
                "COMMIT");
        syncAndCompare("upsert");
    }

    // ----------------------------------------------------------------------------------------- key changes

    @Test
    void primaryKeyChanges() throws Exception {
        String t = s + ".key_change";
        sql("UPDATE " + t + " SET id = id + 100000 WHERE id = 1",
                "UPDATE " + t + " SET id = id + 100000, v = v || ' moved' WHERE id BETWEEN 2 AND 1000",
                // swap two keys inside one transaction
                "BEGIN",
                "UPDATE " + t + " SET id = -1 WHERE id = 1001",
                "UPDATE " + t + " SET id = 1001 WHERE id = 1002",
                "UPDATE " + t + " SET id = 1002 WHERE id = -1",
                "COMMIT",
                // change a key, then change the new row, then change it back
                "BEGIN",
                "UPDATE " + t + " SET id = 5000 WHERE id = 1003",
                "UPDATE " + t + " SET n = 42 WHERE id = 5000",
                "UPDATE " + t + " SET id = 1003 WHERE id = 5000",
                "COMMIT",
                "DELETE FROM " + t + " WHERE id BETWEEN 1500 AND 1510",
                "UPDATE " + t + " SET id = id - 11 WHERE id BETWEEN 1511 AND 1520");     // onto keys deleted just before
        syncAndCompare("key_change");
    }

    /**
     * REPLICA IDENTITY DEFAULT: a key change of a row whose TOASTed value is unchanged arrives as DELETE +
     * CREATE, the CREATE carrying Debezium's unavailable-value placeholder for it.
     */
    @Test
    void primaryKeyChangesWithToastedValues() throws Exception {
        String t = s + ".key_change_toast";
        try (Connection c = m.source(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(pg_column_size(body)), min(octet_length(body)) FROM " + t)) {
            rs.next();
            assertTrue(rs.getInt(1) > 2048 && rs.getInt(2) > 8192, "values are > 8 kB and stored out of line: "
                    + rs.getInt(1) + " bytes stored for " + rs.getInt(2));
        }
        sql("UPDATE " + t + " SET id = id + 100 WHERE id = 1",                      // body unchanged
                "UPDATE " + t + " SET id = id + 100, n = -n WHERE id BETWEEN 2 AND 5", // body unchanged, another column changed
                "UPDATE " + t + " SET id = id + 100, body = " + s + ".big_hex(1000) WHERE id = 6", // body changed too
                "BEGIN",
                "UPDATE " + t + " SET id = 500 WHERE id = 7",
                "UPDATE " + t + " SET n = 77 WHERE id = 500",                           // then an update of the moved row
                "COMMIT",
                "BEGIN",                                                                 // swap keys of two TOASTed rows
                "UPDATE " + t + " SET id = -8 WHERE id = 8",
                "UPDATE " + t + " SET id = 8 WHERE id = 9",
                "UPDATE " + t + " SET id = 9 WHERE id = -8",
                "COMMIT");
        syncAndCompare("key_change_toast");
        try (Connection c = m.target(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t + " WHERE body LIKE '%debezium_unavailable%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no placeholder written to the target");
        }
    }

    /**
     * Updates of the column a Citus target distributes by (tenant_id): on Citus the row must move to another
     * shard. tenant_keys has only the key and the distribution column; in tenant_pairs both are the key.
     */
    @Test
    void updatesThatMoveRowsToAnotherDistributionValue() throws Exception {
        sql("UPDATE " + s + ".tenant_move SET tenant_id = tenant_id + 1 WHERE id <= 50",
                "UPDATE " + s + ".tenant_move SET tenant_id = 7, v = 'moved to 7' WHERE id BETWEEN 51 AND 60",
                "BEGIN",
                "UPDATE " + s + ".tenant_move SET tenant_id = 3 WHERE id = 100",
                "UPDATE " + s + ".tenant_move SET v = 'after the move' WHERE id = 100",
                "UPDATE " + s + ".tenant_move SET tenant_id = 4 WHERE id = 100",        // and on again
                "UPDATE " + s + ".tenant_move SET tenant_id = 4 WHERE id = 101",
                "COMMIT",
                "UPDATE " + s + ".tenant_keys SET tenant_id = 99 WHERE id <= 30",
                "BEGIN",
                "UPDATE " + s + ".tenant_keys SET tenant_id = 98 WHERE id = 31",
                "UPDATE " + s + ".tenant_keys SET tenant_id = 7 WHERE id = 31",          // moved back
                "DELETE FROM " + s + ".tenant_keys WHERE id = 32",
                "COMMIT",
                "UPDATE " + s + ".tenant_pairs SET tenant_id = 50 WHERE id <= 20",
                "UPDATE " + s + ".tenant_pairs SET tenant_id = 51, id = id + 1000 WHERE id BETWEEN 21 AND 30");
        syncAndCompare("tenant_move", "tenant_keys", "tenant_pairs");
    }

    // ------------------------------------------------------------------------------------ transaction shapes

    @Test
    void savepointsRolledBackInsideCommittedTransactions() throws Exception {
        String t = s + ".savepoints";
        sql("BEGIN",
                "INSERT INTO " + t + " VALUES (100, 'kept')",
                "SAVEPOINT a",
                "INSERT INTO " + t + " VALUES (101, 'rolled back')",
                "UPDATE " + t + " SET v = 'rolled back' WHERE id IN (1, 100)",
                "DELETE FROM " + t + " WHERE id = 2",
                "ROLLBACK TO SAVEPOINT a",
                "INSERT INTO " + t + " VALUES (102, 'kept after rollback')",
                "SAVEPOINT b",
                "UPDATE " + t + " SET v = 'released' WHERE id = 3",
                "RELEASE SAVEPOINT b",
                "SAVEPOINT c",
                "INSERT INTO " + t + " SELECT g, 'bulk rolled back' FROM generate_series(1000, 1999) g",
                "SAVEPOINT d",
                "DELETE FROM " + t + " WHERE id = 4",
                "ROLLBACK TO SAVEPOINT c",
                "UPDATE " + t + " SET v = 'kept ' || id WHERE id BETWEEN 5 AND 7",
                "COMMIT",
                // a PL/pgSQL exception block is a subtransaction rolled back too
                "DO $$ BEGIN INSERT INTO " + t + " VALUES (200, 'kept by DO'); "
                        + "BEGIN INSERT INTO " + t + " VALUES (201, 'rolled back by DO'); DELETE FROM " + t + " WHERE id = 8; "
                        + "RAISE EXCEPTION 'undo'; EXCEPTION WHEN raise_exception THEN NULL; END; END $$");
        syncAndCompare("savepoints");
    }

    @Test
    void abortedTransactions() throws Exception {
        String t = s + ".aborted";
        sql("BEGIN", "INSERT INTO " + t + " VALUES (100, 'never')", "UPDATE " + t + " SET v = 'never' WHERE id = 1",
                "DELETE FROM " + t + " WHERE id = 2", "ROLLBACK",
                "BEGIN", "INSERT INTO " + t + " SELECT g, 'big rollback' FROM generate_series(1000, 20999) g", "ROLLBACK");
        try (Connection c = m.source(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO " + t + " VALUES (101, 'before the error')");
            st.execute("UPDATE " + t + " SET v = 'before the error' WHERE id = 3");
            assertThrows(PSQLException.class, () -> st.execute("INSERT INTO " + t + " VALUES (1, 'duplicate key')"));
            c.rollback();
            st.execute("INSERT INTO " + t + " VALUES (102, 'committed after the aborted ones')");
            c.commit();
        }
        syncAndCompare("aborted");
    }

    /** Transactions with nothing captured: no statement, read-only, no row matched, only an uncaptured table. */
    @Test
    void emptyTransactions() throws Exception {
        String t = s + ".empty_tx";
        List<String> statements = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            statements.addAll(List.of("BEGIN", "COMMIT",
                    "BEGIN", "SELECT count(*) FROM " + t, "COMMIT",
                    "UPDATE " + t + " SET v = 'nothing' WHERE id < 0",
                    "INSERT INTO " + s + ".not_captured VALUES (" + i + ", 'elsewhere')",
                    "BEGIN", "INSERT INTO " + s + ".not_captured VALUES (" + (1000 + i) + ", 'x')",
                    "UPDATE " + s + ".not_captured SET v = 'y' WHERE id = " + (1000 + i), "COMMIT",
                    "INSERT INTO " + t + " VALUES (" + i + ", 'between empty ones')"));
        }
        sql(statements.toArray(String[]::new));
        syncAndCompare("empty_tx");
    }

    /** Two sessions: the transaction that began (took its xid) first commits last. */
    @Test
    void transactionsCommitInAnotherOrderThanTheyBegan() throws Exception {
        String t = s + ".commit_order";
        try (Connection a = m.source(); Connection b = m.source(); Connection c3 = m.source();
             Statement sa = a.createStatement(); Statement sb = b.createStatement(); Statement sc = c3.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            c3.setAutoCommit(false);
            sa.execute("INSERT INTO " + t + " VALUES (1001, 'A first', 1)");
            sb.execute("INSERT INTO " + t + " VALUES (1002, 'B second', 2)");
            sa.execute("UPDATE " + t + " SET v = 'A', n = n + 1 WHERE id BETWEEN 1 AND 10");
            sb.execute("UPDATE " + t + " SET v = 'B', n = n + 10 WHERE id BETWEEN 11 AND 20");
            sc.execute("DELETE FROM " + t + " WHERE id BETWEEN 21 AND 25");
            sb.execute("DELETE FROM " + t + " WHERE id = 30");
            b.commit();                                  // B: began second, commits first
            sa.execute("INSERT INTO " + t + " VALUES (1003, 'A after B committed', 3)");
            sb.execute("UPDATE " + t + " SET v = 'B again' WHERE id = 1002");   // B's next transaction
            sb.execute("UPDATE " + t + " SET n = 99 WHERE id = 50");
            b.commit();
            sc.execute("INSERT INTO " + t + " VALUES (1004, 'C', 4)");
            a.commit();                                  // A: began first, commits third
            sa.execute("UPDATE " + t + " SET n = n * 2 WHERE id = 1002");       // reads B's committed row
            c3.commit();
            a.commit();
        }
        syncAndCompare("commit_order");
    }

    /** Several sessions at once, all contending on shared counter rows, so their commits interleave. */
    @Test
    void interleavedConcurrentSessions() throws Exception {
        int workers = 4;
        int transactions = 120;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 1; w <= workers; w++) {
                int worker = w;
                results.add(pool.submit(() -> session(worker, transactions)));
            }
            int committed = 0;
            for (Future<Integer> f : results) {
                committed += f.get();
            }
            assertTrue(committed > workers * transactions / 2, "most transactions committed: " + committed);
        } finally {
            pool.shutdownNow();
        }
        syncAndCompare("concurrent", "counters");
    }

    private int session(int worker, int transactions) throws SQLException {
        Random random = new Random(worker);
        int committed = 0;
        String t = s + ".concurrent";
        try (Connection c = m.source();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE " + t + " SET n = n + 1, v = ? WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?");
             PreparedStatement count = c.prepareStatement("UPDATE " + s + ".counters SET n = n + ? WHERE id = ?")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= transactions; i++) {
                long id = worker * 1_000_000L + i;
                insert.setLong(1, id);
                insert.setInt(2, worker);
                insert.setInt(3, 0);
                insert.setString(4, "w" + worker + " t" + i);
                insert.executeUpdate();
                // a shared counter: row locks serialise the sessions here, so commits interleave
                count.setLong(1, i);
                count.setLong(2, 1 + random.nextInt(5));
                count.executeUpdate();
                if (i > 1) {
                    update.setString(1, "touched by t" + i);
                    update.setLong(2, worker * 1_000_000L + 1 + random.nextInt(i - 1));
                    update.executeUpdate();
                }
                if (i % 7 == 0) {
                    delete.setLong(1, worker * 1_000_000L + 1 + random.nextInt(i));
                    delete.executeUpdate();
                }
                if (i % 10 == 0) {
                    c.rollback();
                } else {
                    c.commit();
                    committed++;
                }
            }
        }
        return committed;
    }

    // ------------------------------------------------------------------------------------------- TRUNCATE

    @Test
    void truncateMixedWithInsertsInOneTransaction() throws Exception {
        String t = s + ".trunc_mixed";
        sql("BEGIN",
                "INSERT INTO " + t + " VALUES (1000, 'gone with the truncate')",
                "UPDATE " + t + " SET v = 'gone too' WHERE id = 1",
                "TRUNCATE " + t,
                "INSERT INTO " + t + " SELECT g, 'after truncate ' || g FROM generate_series(1, 30) g",
                "UPDATE " + t + " SET v = 'updated after truncate' WHERE id = 5",
                "COMMIT",
                "BEGIN",
                "DELETE FROM " + t + " WHERE id = 6",
                "TRUNCATE " + t,
                "COMMIT",
                "INSERT INTO " + t + " VALUES (2000, 'after a truncate of its own')");
        syncAndCompare("trunc_mixed");
    }

    /**
     * TRUNCATE ... CASCADE across a foreign key, then both tables filled again, and a TRUNCATE of the
     * referencing table with inserts in one transaction. In a migration of its own: on Citus the referenced
     * table is a reference table, which makes the sink's writes need one connection per node.
     */
    @Test
    void truncateWithCascadeAcrossForeignKey() throws Exception {
        isolated("trunc", new String[] {"trunc_parent", "trunc_child"}, () -> {
            sql("TRUNCATE " + s + ".trunc_parent CASCADE",
                    "INSERT INTO " + s + ".trunc_parent SELECT g, 'again ' || g FROM generate_series(1, 20) g",
                    "INSERT INTO " + s + ".trunc_child SELECT g, 1 + g % 20, 'again ' || g FROM generate_series(1, 40) g",
                    "BEGIN",
                    "TRUNCATE " + s + ".trunc_child",
                    "INSERT INTO " + s + ".trunc_child VALUES (1, 1, 'only child')",
                    "UPDATE " + s + ".trunc_parent SET v = 'same transaction as a truncate of its child' WHERE id = 2",
                    "COMMIT");
            syncAndCompare("trunc_parent", "trunc_child");
        });
    }

    /**
     * Foreign keys hold at the end of each source statement, not after each row: one multi-row INSERT adds rows that
     * reference each other, the first row referencing the second. The sink is paused meanwhile so that it receives this
     * transaction in one group with an earlier one whose net effect breaks a foreign key (a parent deleted after its
     * children, the parent seen first), which sends the group to the exact, row-by-row path; there the INSERT's first
     * row fails alone, and the transaction is written as its net effect. Before that, the sink task FAILED on it (23503).
     */
    @Test
    void foreignKeysHoldAtTheEndOfEachStatement() throws Exception {
        isolated("fkstmt", new String[] {"trunc_parent", "trunc_child", "fk_self"}, () -> {
            sql("INSERT INTO " + s + ".trunc_parent SELECT g, 'parent ' || g FROM generate_series(90001, 90005) g",
                    "INSERT INTO " + s + ".trunc_child SELECT g, g, 'child ' || g FROM generate_series(90001, 90005) g",
                    "INSERT INTO " + s + ".fk_self VALUES (90001, NULL, 'root')");
            sync();
            m.connect().pause(m.sinkConnector());
            sql("BEGIN",
                    "UPDATE " + s + ".trunc_parent SET v = 'to go' WHERE id = 90001",
                    "DELETE FROM " + s + ".trunc_child WHERE parent_id = 90001",
                    "DELETE FROM " + s + ".trunc_parent WHERE id = 90001",
                    "COMMIT",
                    "INSERT INTO " + s + ".fk_self VALUES (90010, 90011, 'reports to 90011'), (90011, 90001, 'reports to the root')");
            m.connect().resume(m.sinkConnector());
            syncAndCompare("trunc_parent", "trunc_child", "fk_self");
        });
    }

    // --------------------------------------------------------------------------------------- partitions

    /** publish_via_partition_root: rows moving between partitions of the source arrive as changes of the root. */
    @Test
    void rowsMoveBetweenPartitions() throws Exception {
        String t = s + ".measurements";
        sql("UPDATE " + t + " SET region = 'us' WHERE region = 'eu' AND id % 2 = 0",
                "UPDATE " + t + " SET region = 'mars', v = -v WHERE region = 'us' AND id % 5 = 0",  // into the default partition
                "BEGIN",
                "UPDATE " + t + " SET region = 'eu' WHERE id = 3",
                "UPDATE " + t + " SET v = 333 WHERE id = 3",
                "COMMIT",
                "INSERT INTO " + s + ".measurements_us VALUES (1000, 'us', 1)",                  // straight into a partition
                "UPDATE " + t + " SET v = v + 1 WHERE id <= 30",
                "DELETE FROM " + s + ".measurements_other WHERE id % 4 = 0");
        syncAndCompare("measurements");
    }

    // ------------------------------------------------------------------------------- replica identities

    /**
     * REPLICA IDENTITY USING INDEX (tenant_id, code): before-images hold those columns, not the whole primary
     * key. Observed (Debezium 3.6): a DELETE, and an UPDATE of code (sent as DELETE + CREATE), carry the key
     * {@code (tenant_id, id=0)} — the missing NOT NULL key column filled with 0 — so each tenant has a row
     * with id 0 that a delete by that key would wrongly remove. An UPDATE leaving code alone has no before-image.
     */
    @Test
    void replicaIdentityUsingUniqueIndexDeleteAndUpdate() throws Exception {
        String t = s + ".ri_index";
        sql("UPDATE " + t + " SET v = 'updated' WHERE id <= 20",
                "UPDATE " + t + " SET code = code || '-renamed' WHERE id BETWEEN 21 AND 30",
                "DELETE FROM " + t + " WHERE id BETWEEN 31 AND 40",
                "BEGIN",
                "UPDATE " + t + " SET v = 'in tx' WHERE id = 41",
                "DELETE FROM " + t + " WHERE id = 41",
                "INSERT INTO " + t + " VALUES (1, 41, 'code-41', 'reinserted')",
                "COMMIT");
        syncAndCompare("ri_index");
    }

    /**
     * The same replica identity when the primary key itself changes but the identity (tenant_id, code) does
     * not: observed, Debezium sends an UPDATE with no before-image and only the new key. In a migration of its
     * own; matched by the index (replica.identity.index).
     */
    @Test
    void replicaIdentityUsingUniqueIndexPrimaryKeyChange() throws Exception {
        isolated("rikey", new String[] {"ri_index_key"}, () -> {
            String t = s + ".ri_index_key";
            sql("UPDATE " + t + " SET id = id + 1000 WHERE id <= 10",
                    "UPDATE " + t + " SET id = id + 1000, code = code || '-both' WHERE id BETWEEN 11 AND 15");
            syncAndCompare("ri_index_key");
        });
    }

    @Test
    void replicaIdentityFull() throws Exception {
        String t = s + ".ri_full";
        sql("UPDATE " + t + " SET n = n + 1 WHERE id <= 10",                        // TOASTed body unchanged
                "UPDATE " + t + " SET body = " + s + ".big_hex(1000 + id::int) WHERE id BETWEEN 11 AND 15",
                "UPDATE " + t + " SET doc = doc || '{\"x\": [1, 2]}', v = NULL WHERE id BETWEEN 16 AND 20",
                "DELETE FROM " + t + " WHERE id BETWEEN 21 AND 25",
                "UPDATE " + t + " SET id = id + 1000 WHERE id BETWEEN 26 AND 30",        // key change, body unchanged
                "BEGIN",
                "UPDATE " + t + " SET n = 0 WHERE id = 31",
                "UPDATE " + t + " SET n = 1 WHERE id = 31",
                "DELETE FROM " + t + " WHERE id = 32",
                "INSERT INTO " + t + " VALUES (32, 0, 'again', NULL, NULL)",
                "COMMIT");
        syncAndCompare("ri_full");
    }

    // ------------------------------------------------------------------------------ logical messages (last)

    /**
     * pg_logical_emit_message (the outbox pattern), transactional and not, inside and outside transactions
     * with table changes: the target is unaffected, both connectors stay RUNNING and later changes arrive.
     * Runs last: on a sink that fails on messages, the workloads after it would only repeat that failure.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void logicalDecodingMessages() throws Exception {
        String t = s + ".outbox";
        List<String> targetTables = targetTables();
        sql("BEGIN",
                "INSERT INTO " + t + " VALUES (1, 'with a transactional message')",
                "SELECT pg_logical_emit_message(true, 'outbox', '{\"event\": \"created\", \"id\": 1}')",
                "INSERT INTO " + t + " VALUES (2, 'after the message')",
                "COMMIT",
                "SELECT pg_logical_emit_message(false, 'audit', 'outside any transaction')",
                "BEGIN",
                "INSERT INTO " + t + " VALUES (3, 'with a non-transactional message inside')",
                "SELECT pg_logical_emit_message(false, 'audit', 'non-transactional inside a transaction')",
                "UPDATE " + t + " SET v = 'changed' WHERE id = 1",
                "COMMIT",
                "BEGIN",
                "SELECT pg_logical_emit_message(true, 'outbox', 'a transaction with only a message')",
                "COMMIT",
                "SELECT pg_logical_emit_message(true, 'blob', decode(repeat('00ff', 50000), 'hex'))",
                "BEGIN",
                "SELECT pg_logical_emit_message(true, 'outbox', 'first')",
                "DELETE FROM " + t + " WHERE id = 2",
                "SELECT pg_logical_emit_message(true, 'outbox', 'last')",
                "COMMIT");
        // later changes still arrive
        sql("INSERT INTO " + t + " VALUES (4, 'after all messages')");
        syncAndCompare("outbox");
        assertRunning(m.sourceConnector());
        assertRunning(m.sinkConnector());
        assertEquals(targetTables, targetTables(), "messages create nothing on the target");
        sql("UPDATE " + t + " SET v = 'still streaming' WHERE id = 4");
        syncAndCompare("outbox");
        assertRunning(m.sinkConnector());
    }

    private List<String> targetTables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1")) {
            ps.setString(1, s);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    // ------------------------------------------------------------------------------------------ helpers

    protected void sql(String... statements) throws SQLException {
        m.sourceSql(statements);
    }

    /**
     * Commits a marker row on the source and waits until the sink applied it: everything committed on the
     * source before it is then on the target too. Fails at once if a connector FAILED.
     */
    protected void sync() throws SQLException {
        long id = ++marker;
        sql("INSERT INTO " + s + ".sync (id) VALUES (" + id + ")");
        Eventually.await(WAIT, "marker " + id + " applied on the target", () -> {
            assertNotFailed("while waiting for the workload to arrive");
            try (Connection c = m.target(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + s + ".sync WHERE id = " + id)) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
    }

    /** {@link #sync()}, then each table compared row by row; one failure lists every table that differs. */
    protected void syncAndCompare(String... tables) throws SQLException {
        sync();
        List<String> differences = new ArrayList<>();
        for (String table : tables) {
            RowDiff.Result result = RowDiff.compare(m, s + "." + table, keyOf(table));
            if (!result.equal()) {
                differences.add(result.describe());
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionError(String.join("\n", differences));
        }
    }

    private void assertNotFailed(String when) {
        for (String connector : new String[] {m.sinkConnector(), m.sourceConnector()}) {
            JsonNode status = m.connect().status(connector);
            if ("FAILED".equals(status.path("connector").path("state").asText())) {
                throw new AssertionError(connector + " FAILED " + when + ": " + status.path("connector").path("trace").asText());
            }
            for (JsonNode task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new AssertionError(connector + " task " + task.path("id") + " FAILED " + when + ": "
                            + task.path("trace").asText());
                }
            }
        }
    }

    private void assertRunning(String connector) {
        JsonNode status = m.connect().status(connector);
        assertEquals("RUNNING", status.path("connector").path("state").asText(), connector + ": " + status);
        assertTrue(status.path("tasks").size() > 0, connector + " has tasks: " + status);
        for (JsonNode task : status.path("tasks")) {
            assertEquals("RUNNING", task.path("state").asText(), connector + " task: " + status);
        }
    }
}
