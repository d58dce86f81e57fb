package io.citus.warp.e2e;

import io.citus.warp.status.ProgressLocation;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.WarpCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migrated table whose changes Debezium's filter drops: found on a real Citus run, where {@code table.include.list}
 * (escaped only for dots) matched nothing of {@code audit$log}, every later change was lost, and {@code warp status}
 * said CAUGHT UP while the target held 1 of 2 rows. {@code warp start} now refuses a filter that leaves a migrated table
 * out, and {@code warp status} says NOT CAPTURED — never CAUGHT UP — when the deployed filter or the publication does.
 */
@EndToEnd
class CapturedTablesTest {
    private static final String TABLES = "public.\"audit$log\",public.plain";
    /** The include list as warp rendered it before: dots escaped, '$' left as the end-of-input anchor. */
    private static final String DOTS_ONLY = "public\\.audit$log,public\\.plain";

    @Test
    void statusIsNeverCaughtUpWhileAMigratedTablesChangesAreFilteredOut(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "captured")) {
            m.sourceSql("CREATE TABLE \"audit$log\" (id int PRIMARY KEY, v text)", "INSERT INTO \"audit$log\" VALUES (1, 'copied')",
                    "CREATE TABLE plain (id int PRIMARY KEY, v text)", "INSERT INTO plain VALUES (1, 'copied')");
            assertEquals(0, WarpCommand.against(env, m, "schema", "--tables", TABLES).code());

            WarpCommand refused = WarpCommand.against(env, m, "start", "--tables", TABLES, "--source-config", "table.include.list=" + DOTS_ONLY);
            assertEquals(1, refused.code(), refused.describe());
            assertTrue(refused.out().contains("validation failed; nothing deployed") && refused.out().contains("\"public\".\"audit$log\""),
                    refused.describe());
            assertFalse(env.connect().exists(m.id().replace('_', '-') + "-source"), "nothing was deployed");

            WarpCommand start = WarpCommand.against(env, m, "start", "--tables", TABLES);
            assertEquals(0, start.code(), start.describe());
            awaitStatus(env, m, 0);

            // The filter as it used to be rendered, deployed by hand: Debezium now drops audit$log's changes.
            String source = "warp-" + m.id().replace('_', '-') + "-source";
            Map<String, String> config = ProgressLocation.strings(env.connect().connectorConfig(source));
            config.put("table.include.list", DOTS_ONLY);
            env.connect().putConnectorConfig(source, config);
            m.sourceSql("INSERT INTO \"audit$log\" VALUES (2, 'lost')", "INSERT INTO plain VALUES (2, 'streamed')");

            WarpCommand status = awaitStatus(env, m, 3);
            assertTrue(status.out().startsWith("verdict      NOT CAPTURED"), status.describe());
            assertTrue(status.out().contains("\"public\".\"audit$log\"") && status.out().contains("table.include.list"), status.describe());
            assertFalse(status.out().contains("\"public\".\"plain\" are dropped"), status.describe());
            // It stays so: each later probe says the same, none says CAUGHT UP.
            for (int i = 0; i < 3; i++) {
                WarpCommand again = WarpCommand.against(env, m, "status", "--tables", TABLES);
                assertEquals(3, again.code(), again.describe());
                Thread.sleep(1000);
            }
            WarpCommand.against(env, m, "finish", "--tables", TABLES, "--force", "--delete-topics");
        }
    }

    /** Polls warp status until it exits with {@code code}; the last output. */
    private static WarpCommand awaitStatus(TestEnvironment env, Migration m, int code) {
        WarpCommand[] last = new WarpCommand[1];
        Eventually.await(Duration.ofSeconds(600), "warp status exit " + code, () -> {
            last[0] = WarpCommand.against(env, m, "status", "--tables", TABLES);
            return last[0].code() == code;
        });
        return last[0];
    }
}
