package io.citus.warp.e2e;

import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.WarpCommand;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code table.mapping} read by one parser everywhere: with {@code orders=sales.orders} (a bare name, as the sink's
 * parser takes it: public.orders) the base copy used to look the raw entry up and copy into public.orders while the
 * stream went to sales.orders; warp verify and cutover's sequence sync used the source's names on the target.
 */
@EndToEnd
class TableMappingEndToEndTest {

    @Test
    void copyStreamVerifyAndSequencesFollowTheSinksMapping(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "tablemap")) {
            m.sourceSql("CREATE TABLE orders (id bigserial PRIMARY KEY, note text)",
                    "INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 500) g");
            m.targetSql("CREATE SCHEMA sales", "CREATE TABLE sales.orders (id bigserial PRIMARY KEY, note text)");
            WarpCommand start = WarpCommand.against(env, m, "start", "--tables", "public.orders", "--sink-config", "table.mapping=orders=sales.orders");
            assertEquals(0, start.code(), start.describe());
            m.sourceSql("INSERT INTO orders (note) VALUES ('streamed')");
            Eventually.await(Duration.ofSeconds(600), "the streamed row in sales.orders", () -> {
                try (Connection t = m.target()) {
                    return "501".equals(Sql.one(t, "SELECT count(*) FROM sales.orders"));
                }
            });

            WarpCommand verify = WarpCommand.against(env, m, "verify", "--tables", "public.orders");
            assertEquals(0, verify.code(), verify.describe());
            assertTrue(verify.out().contains("public.orders -> sales.orders") && verify.out().contains("target equals source"),
                    verify.describe());

            WarpCommand cutover = WarpCommand.against(env, m, "cutover", "--tables", "public.orders", "--sequence-margin", "10", "--timeout", "600");
            assertEquals(0, cutover.code(), cutover.describe());
            try (Connection t = m.target()) {
                long next = Long.parseLong(Sql.one(t, "INSERT INTO sales.orders (note) VALUES ('after cutover') RETURNING id"));
                assertTrue(next > 501 + 10, "sales.orders' own sequence moved past the source's: next id " + next);
            }
            WarpCommand.against(env, m, "finish", "--tables", "public.orders", "--force", "--delete-topics");
        }
    }
}
