package io.citus.warp.e2e;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.WarpCommand;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A base copy that the target refuses says which table and range failed and why, without a row value: PostgreSQL's
 * messages about a COPY quote the key ({@code Key (email)=(...)}), the partition key of the failing row, and the line
 * and column value of the COPY data; the copy printed them on stderr (also in {@code --json} runs).
 */
@EndToEnd
class BaseCopyRedactionTest {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyRedactionTest.class);
    private static final String SECRET = "alice-s3cret";

    @Test
    void aRefusedCopyNamesTheTableAndTheCauseButNoValue(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "redact")) {
            m.sourceSql("CREATE TABLE users (id int PRIMARY KEY, email text)",
                    "INSERT INTO users VALUES (1, '" + SECRET + "@example.com'), (2, '" + SECRET + "@example.com')",
                    "CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE events_all PARTITION OF events DEFAULT",
                    "INSERT INTO events VALUES (1, '2031-07-04')",
                    "CREATE TABLE notes (id int PRIMARY KEY, v text)",
                    "INSERT INTO notes VALUES (1, '" + SECRET + "')");
            // The target is stricter than the source: a unique email, no partition for 2031, a short column.
            m.targetSql("CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE)",
                    "CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                    "CREATE TABLE notes (id int PRIMARY KEY, v varchar(3))");
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            String[][] cases = {{"users", "23505", "users_email_key"}, {"events", "23514", "events"}, {"notes", "22001", "character varying(3)"}};
            int n = 0;
            for (String[] c : cases) {
                BaseCopy copy = new BaseCopy(source, target, "warp", new BaseCopyOptions(2, 1_000, false), LOG::info);
                List<TableCopy> table = List.of(TableCopy.same(new TableName("public", c[0])));
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> copy.run(m.slotName() + "_" + c[0], m.publicationName(), table));
                // What a user sees: the failure and its causes, as warp prints them; and what a debug log would print.
                StringWriter trace = new StringWriter();
                refused.printStackTrace(new PrintWriter(trace));
                assertFalse(trace.toString().contains(SECRET) || trace.toString().contains("2031"), "no row value: " + trace);
                assertTrue(refused.getMessage().contains("base copy of public." + c[0]) && refused.getMessage().contains(c[1])
                        && refused.getMessage().contains(c[2]), "the table, the SQLSTATE and the cause: " + refused.getMessage());
                n++;
            }
            assertEquals(3, n);

            // The command's own output, --json run: stderr says what failed, nothing shows a value.
            WarpCommand start = WarpCommand.against(env, m, "start", "--tables", "public.users", "--json");
            assertEquals(3, start.code(), start.describe());
            assertFalse((start.out() + start.err()).contains(SECRET), "no row value in the output: " + start.describe());
            assertTrue(start.err().contains("base copy of public.users") && start.err().contains("23505"), start.describe());
        }
    }
}
