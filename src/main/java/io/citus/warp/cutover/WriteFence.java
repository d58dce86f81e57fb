package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The cutover's write fence on the source: a {@code BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ... FOR EACH STATEMENT}
 * trigger that raises (SQLSTATE 25006) on every migrated table and every partition under it. A trigger fires for every
 * role, the table owner included, in every session, open or new, whatever its {@code default_transaction_read_only};
 * getting past it takes a deliberate act by the owner or a superuser ({@code DROP/ALTER TABLE ... DISABLE TRIGGER},
 * {@code SET session_replication_role = replica}). Row-level privileges are left alone: revoking them would add nothing
 * the trigger does not already stop, and could not be restored exactly (grants by other grantors, column grants).
 * <p>
 * The triggers are created in one transaction that first takes {@code SHARE ROW EXCLUSIVE} on every fenced table: that
 * lock conflicts with the {@code ROW EXCLUSIVE} lock every writing transaction holds until it ends, so once it is granted
 * no transaction that wrote to these tables is still open, and every later write statement sees the trigger. Writers
 * still open are waited for; with {@code terminate} those still blocking the fence after {@code grace} are terminated
 * (their uncommitted writes roll back, nothing committed is lost). If the lock is not granted within {@code timeout}
 * the fence fails and nothing was changed.
 */
public final class WriteFence {
    /** The fence as installed; {@code undo} makes the source writable again. */
    public record Fence(String trigger, String function, List<String> relations, boolean existedBefore, List<Integer> terminated,
                        long waitedMillis, List<String> undo) {
    }

    private WriteFence() {
    }

    public static String triggerName(String migration) {
        return ("warp_fence_" + migration.replace('-', '_')).substring(0, Math.min(63, 11 + migration.length()));
    }

    public static String functionName(String migration) {
        return "warp." + Sql.ident(triggerName(migration));
    }

    /** The statements that remove the fence, for the given tables (partitions resolved on {@code c}). */
    public static List<String> undoStatements(Connection c, String migration, List<TableName> tables) throws SQLException {
        List<String> undo = new ArrayList<>();
        for (String rel : relations(c, tables)) {
            undo.add("DROP TRIGGER IF EXISTS " + Sql.ident(triggerName(migration)) + " ON " + rel);
        }
        undo.add("DROP FUNCTION IF EXISTS " + functionName(migration) + "()");
        return undo;
    }

    /** Every table and partition the fence covers, as quoted regclass text. */
    static List<String> relations(Connection c, List<TableName> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        for (TableName t : tables) {
            // Schema-qualified and quoted, so that the printed undo works under any search_path.
            for (String[] r : Sql.rows(c, "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.oid IN (SELECT ?::regclass UNION SELECT relid FROM pg_partition_tree(?::regclass))"
                    + " ORDER BY 1", t.quoted(), t.quoted())) {
                if (!out.contains(r[0])) {
                    out.add(r[0]);
                }
            }
        }
        return out;
    }

    /** Whether the fence's trigger is present and enabled on every covered relation. */
    public static boolean holds(Connection c, String migration, List<TableName> tables) throws SQLException {
        for (String rel : relations(c, tables)) {
            if (Sql.one(c, "SELECT 1 FROM pg_trigger WHERE tgrelid = ?::regclass AND tgname = ? AND tgenabled IN ('O', 'A')",
                    rel, triggerName(migration)) == null) {
                return false;
            }
        }
        return true;
    }

    public static Fence install(PgEndpoint source, String migration, List<TableName> tables, boolean terminate, long graceMillis,
                                long timeoutMillis) throws Exception {
        String trigger = triggerName(migration);
        String function = functionName(migration);
        ExecutorService lockWaiter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warp-fence-lock");
            t.setDaemon(true);
            return t;
        });
        try (Connection fence = source.connect(); Connection watch = source.connect()) {
            List<String> relations = relations(watch, tables);
            boolean existed = holds(watch, migration, tables);
            List<String> undo = undoStatements(watch, migration, tables);
            int fencePid = Integer.parseInt(Sql.one(fence, "SELECT pg_backend_pid()"));
            fence.setAutoCommit(false);
            Sql.exec(fence, "CREATE SCHEMA IF NOT EXISTS warp");
            Sql.exec(fence, "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS "
                    + Sql.dollarQuote("fence", "BEGIN RAISE EXCEPTION 'warp cutover: writes to %.% are fenced (migration " + migration.replace("'", "''")
                    + "): the data now lives on the target', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'read_only_sql_transaction',"
                    + " HINT = 'point the application at the target; to make the source writable again: DROP TRIGGER "
                    + trigger + " ON each table'; END"));
            long t0 = System.nanoTime();
            Future<?> locked = lockWaiter.submit(() -> {
                Sql.exec(fence, "LOCK TABLE " + String.join(", ", relations) + " IN SHARE ROW EXCLUSIVE MODE");
                return null;
            });
            List<Integer> terminated = new ArrayList<>();
            while (!locked.isDone()) {
                long waited = (System.nanoTime() - t0) / 1_000_000;
                List<String[]> blockers = Sql.rows(watch, "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),"
                        + " coalesce(a.usename::text, '') FROM unnest(pg_blocking_pids(?)) b(pid) LEFT JOIN pg_stat_activity a ON a.pid = b.pid",
                        fencePid);
                if (waited > timeoutMillis) {
                    Sql.one(watch, "SELECT pg_cancel_backend(?)", fencePid);
                    try {
                        locked.get(30, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // cancelled, as intended
                    }
                    fence.rollback();
                    String prepared = Sql.one(watch, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");
                    throw new IllegalStateException("write fence not installed: after " + timeoutMillis / 1000 + " s, "
                            + blockers.size() + " transaction(s) still hold write locks on the migrated tables ("
                            + describe(blockers) + ("0".equals(prepared) ? "" : "; " + prepared + " prepared transaction(s) in pg_prepared_xacts")
                            + "). Nothing was changed; the source is writable. End those transactions, or use --terminate-sessions, and run"
                            + " cutover again.");
                }
                if (terminate && waited >= graceMillis) {
                    for (String[] b : blockers) {
                        if (b[0] != null && !"0".equals(b[0]) && "t".equals(Sql.one(watch, "SELECT pg_terminate_backend(?)", Integer.parseInt(b[0])))) {
                            terminated.add(Integer.parseInt(b[0]));
                        }
                    }
                }
                Thread.sleep(50);
            }
            try {
                locked.get();
            } catch (java.util.concurrent.ExecutionException e) {
                fence.rollback();
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            for (String rel : relations) {
                Sql.exec(fence, "CREATE OR REPLACE TRIGGER " + Sql.ident(trigger) + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                        + rel + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()");
                // A trigger left disabled by an earlier override would not fence.
                Sql.exec(fence, "ALTER TABLE " + rel + " ENABLE TRIGGER " + Sql.ident(trigger));
            }
            fence.commit();
            return new Fence(trigger, function, relations, existed, terminated, waitedMillis, undo);
        } finally {
            lockWaiter.shutdownNow();
        }
    }

    /** Removes the fence: the source is writable again. */
    public static void remove(PgEndpoint source, Fence fence) throws SQLException {
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            for (String s : fence.undo()) {
                Sql.exec(c, s);
            }
            c.commit();
        }
    }

    private static String describe(List<String[]> blockers) {
        List<String> s = new ArrayList<>();
        for (String[] b : blockers) {
            s.add("pid " + b[0] + (b[1] == null || b[1].isEmpty() ? "" : " '" + b[1] + "'") + " user " + b[3] + " " + b[2]);
        }
        return String.join(", ", s);
    }
}
