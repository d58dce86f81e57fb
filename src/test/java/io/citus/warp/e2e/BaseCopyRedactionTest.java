package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.WarpCommand;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A base copy that the target refuses says which table and range failed and why, without a row value: PostgreSQL's
 * messages about a COPY quote the key ({@code Key (email)=(...)}), the partition key of the failing row, and the line
 * and column value of the COPY data; the copy printed them on stderr (and they reached {@code --json} runs' stderr).
 */
@EndToEnd
class BaseCopyRedactionTest {
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
            String[][] cases = {{"public.users", "23505", "users_email_key"}, {"public.events", "23514", "events"},
                {"public.notes", "22001", "character varying(3)"}};
            int n = 0;
            for (String[] c : cases) {
                for (boolean json : new boolean[] {false, true}) {
                    List<String> args = new ArrayList<>(List.of("start", "--tables", c[0], "--name", m.id().replace('_', '-') + "-" + n++));
                    if (json) {
                        args.add("--json");
                    }
                    WarpCommand start = WarpCommand.against(env, m, args.toArray(String[]::new));
                    assertEquals(3, start.code(), start.describe());
                    String all = start.out() + start.err();
                    assertFalse(all.contains(SECRET) || all.contains("2031"), "no row value in the output: " + start.describe());
                    assertTrue(start.err().contains("base copy of " + c[0]) && start.err().contains(c[1]) && start.err().contains(c[2]),
                            "the table, the SQLSTATE and the cause: " + start.describe());
                }
            }
        }
    }
}
