package io.citus.warp.e2e;

import io.citus.warp.common.TableName;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Values of 6 MB and 40 MB (text and bytea, PostgreSQL allows up to 1 GB per value) through an initial load and then
 * while streaming: insert, update of the large value, update of another column while the large value stays an
 * unchanged TOAST value, delete; with the shipped configs unchanged. Values are incompressible (SHA-256 sums), so Kafka
 * and PostgreSQL hold them at full size. Rows are compared by the md5 and length of their text, never printed.
 */
final class LargeValueScenario {
    static final int SIX_MB = 6_000_000;
    /**
     * 40 MB: the smallest size that still needs every limit the shipped configs raise (above the producer's default
     * {@code buffer.memory} of 32 MiB, Jackson's 20,000,000-character string limit, and as base64 in JSON above the
     * consumer's default {@code fetch.max.bytes} of 50 MiB). {@code -Dwarp.test.largeBytes=60000000} runs 60 MB.
     */
    static final int LARGE = Integer.getInteger("warp.test.largeBytes", 40_000_000);
    private static final Duration WAIT = Duration.ofSeconds(600);

    private LargeValueScenario() {
    }

    /** A query for text of {@code bytes} hex digits of SHA-256 sums, different per {@code seed}. */
    static String text(int bytes, int seed) {
        return "left(string_agg(encode(sha256(('" + seed + ":' || i)::bytea), 'hex'), ''), " + bytes + ") FROM generate_series(1, "
                + (bytes / 64 + 1) + ") i";
    }

    /** A query for a bytea of {@code bytes} bytes of SHA-256 sums, different per {@code seed}. */
    static String bytea(int bytes, int seed) {
        return "substr(string_agg(sha256(('" + seed + ":' || i)::bytea), ''::bytea), 1, " + bytes + ") FROM generate_series(1, "
                + (bytes / 32 + 1) + ") i";
    }

    static void run(Migration m, InitialLoad load, CitusCluster citus) throws Exception {
        String s = m.id();
        String t = s + ".docs";
        String ddl = "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text, blob bytea)";
        m.sourceSql("CREATE SCHEMA " + s, ddl);
        if (citus != null) {
            citus.createSchema(s);
            m.targetSql(ddl, "SELECT create_distributed_table('" + t + "', 'id')");
        } else {
            m.targetSql("CREATE SCHEMA " + s, ddl);
        }
        m.sourceSql("INSERT INTO " + t + " (id, title, body, blob) SELECT 1, 'six', (SELECT " + text(SIX_MB, 1) + "), (SELECT "
                        + bytea(SIX_MB, 2) + ")",
                "INSERT INTO " + t + " (id, title, body) SELECT 2, 'large text', " + text(LARGE, 3),
                "INSERT INTO " + t + " VALUES (5, 'tiny', '', '\\x')");
        load.start(m, List.of(new TableName(s, "docs")));
        awaitEqual(m, t, 3);

        // Streaming: a 40 MB bytea arrives, a large value changes, another column changes while the large values stay
        // unchanged TOAST values (Debezium's placeholder), and a row with large values goes.
        m.sourceSql("INSERT INTO " + t + " (id, title, blob) SELECT 3, 'large bytea', " + bytea(LARGE, 4));
        m.sourceSql("UPDATE " + t + " SET body = (SELECT " + text(SIX_MB, 5) + ") WHERE id = 1");
        m.sourceSql("UPDATE " + t + " SET title = 'large text, renamed' WHERE id = 2");
        m.sourceSql("UPDATE " + t + " SET title = 'large bytea, renamed' WHERE id = 3");
        awaitEqual(m, t, 4);
        m.sourceSql("UPDATE " + t + " SET body = (SELECT " + text(LARGE, 6) + ") WHERE id = 2");
        m.sourceSql("DELETE FROM " + t + " WHERE id = 1");
        awaitEqual(m, t, 3);
    }

    /** Waits until the target's rows equal the source's (by id, length and md5 of each column's text). */
    static void awaitEqual(Migration m, String table, int rows) {
        Eventually.await(WAIT, table + " equal on the target (" + rows + " rows)", () -> {
            m.assertNoConnectorFailed();
            Map<Integer, String> source = digests(m.source(), table);
            Map<Integer, String> target = digests(m.target(), table);
            List<String> differences = new ArrayList<>();
            for (Map.Entry<Integer, String> e : source.entrySet()) {
                if (!Objects.equals(e.getValue(), target.get(e.getKey()))) {
                    differences.add("id " + e.getKey() + ": source " + e.getValue() + ", target " + target.get(e.getKey()));
                }
            }
            target.keySet().stream().filter(k -> !source.containsKey(k)).forEach(k -> differences.add("id " + k + " only on the target"));
            if (source.size() != rows) {
                differences.add(source.size() + " rows on the source");
            }
            return differences;
        }, List::isEmpty);
    }

    /** Per row: the length and md5 of each column's text (never the values themselves: they are megabytes). */
    private static Map<Integer, String> digests(Connection connection, String table) throws SQLException {
        Map<Integer, String> rows = new LinkedHashMap<>();
        try (Connection c = connection; Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, concat_ws(' ', title, octet_length(body), md5(body), octet_length(blob), md5(blob)) FROM " + table
                        + " ORDER BY id")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }
}
