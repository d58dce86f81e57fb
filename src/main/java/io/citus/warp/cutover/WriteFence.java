package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cutover's write fence on the source: triggers that raise SQLSTATE 25006 on every write to the migrated tables.
 * <ul>
 * <li>{@code warp_fence_NAME}: {@code BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE FOR EACH STATEMENT} on every migrated
 *   table and every partition under it (statement triggers are not inherited, and TRUNCATE has only statement triggers);</li>
 * <li>{@code warp_fence_NAME_rows}: {@code BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW} on each migrated table. On a
 *   partitioned table PostgreSQL clones a row trigger onto every partition, also onto partitions created or attached
 *   later, so a partition made after the fence refuses direct writes too.</li>
 * </ul>
 * Both are {@code ENABLE ALWAYS}: a plain trigger does not fire in sessions with {@code session_replication_role =
 * replica} (subscription apply workers, pglogical, a role with that default), which would write past the fence. A trigger
 * fires for every role, the table owner included, in every session, open or new, whatever its
 * {@code default_transaction_read_only}; getting past it takes a deliberate act by the owner or a superuser
 * ({@code DROP TRIGGER}, {@code ALTER TABLE ... DISABLE TRIGGER}). Row-level privileges are left alone: revoking them
 * would add nothing the triggers do not already stop, and could not be restored exactly.
 * <p>
 * The triggers are created in one transaction that first takes {@code SHARE ROW EXCLUSIVE} on every fenced relation: that
 * lock conflicts with the {@code ROW EXCLUSIVE} lock every writing transaction holds until it ends (and with the locks
 * that creating or attaching a partition takes), so once it is granted no transaction that wrote to these tables is still
 * open, and every later write statement sees the triggers. The relation list is read again under the lock, so a partition
 * created while the fence waited is locked and fenced too. Writers still open are waited for; with {@code terminate} those
 * still blocking the fence after {@code grace} are terminated (their uncommitted writes roll back, nothing committed is
 * lost). The wait is bounded by the server's {@code lock_timeout}, so a warp process killed while it waits leaves no lock
 * request queued in front of the application's writers for longer than {@code timeout}. If the lock is not granted in time
 * the fence fails and nothing was changed. The fence transaction commits with {@code synchronous_commit = local}: its commit
 * is flushed, and with it every commit before it, whatever the database's or role's default.
 * <p>
 * Its state is recorded on the source, in the comment of the fence's function: when it was installed, and whether the
 * cutover that installed it completed. A fence whose cutover did not complete (the process was killed) is found and
 * reported by the next cutover, finish and status.
 */
public final class WriteFence {
    /** The fence as installed; {@code undo} makes the source writable again. */
    public record Fence(String trigger, String function, List<String> relations, boolean existedBefore, boolean completedBefore,
                        List<Integer> terminated, long waitedMillis, List<String> undo) {
    }

    /**
     * The fence's record on the source.
     *
     * @param completedAt when the cutover that installed it completed; null while it runs, or if it was interrupted
     */
    public record State(String installedAt, String completedAt) {
        public boolean completed() {
            return completedAt != null;
        }

        String comment(String migration) {
            return "warp cutover write fence of migration " + migration + "; installed " + installedAt + "; "
                    + (completedAt == null ? "cutover not completed" : "cutover completed " + completedAt);
        }

        static State parse(String comment) {
            Matcher m = Pattern.compile("installed (\\S+); (?:cutover completed (\\S+)|cutover not completed)").matcher(
                    comment == null ? "" : comment);
            return m.find() ? new State(m.group(1), m.group(2)) : new State("(unknown)", null);
        }
    }

    /** A fenced relation; {@code rowTrigger}: carries the row trigger itself (a migrated table, not a partition of one). */
    record Relation(String name, boolean rowTrigger) {
    }

    private WriteFence() {
    }

    public static String triggerName(String migration) {
        return ("warp_fence_" + migration.replace('-', '_')).substring(0, Math.min(63, 11 + migration.length()));
    }

    static String rowTriggerName(String migration) {
        return triggerName(migration) + "_rows";
    }

    public static String functionName(String migration) {
        return "warp." + Sql.ident(triggerName(migration));
    }

    /** The statements that remove the fence from the given tables as they are now (partitions resolved on {@code c}). */
    public static List<String> undoStatements(Connection c, String migration, List<TableName> tables) throws SQLException {
        return undoStatements(migration, relations(c, tables));
    }

    private static List<String> undoStatements(String migration, List<Relation> relations) {
        List<String> undo = new ArrayList<>();
        for (Relation r : relations) {
            if (r.rowTrigger()) {
                // Dropping it from the migrated table drops its clones on the partitions.
                undo.add("DROP TRIGGER IF EXISTS " + Sql.ident(rowTriggerName(migration)) + " ON " + r.name());
            }
        }
        for (Relation r : relations) {
            undo.add("DROP TRIGGER IF EXISTS " + Sql.ident(triggerName(migration)) + " ON " + r.name());
        }
        undo.add("DROP FUNCTION IF EXISTS " + functionName(migration) + "()");
        return undo;
    }

    /**
     * Every table and partition the fence covers, as schema-qualified quoted names (the printed undo works under any
     * search_path), the migrated tables before their partitions.
     */
    static List<Relation> relations(Connection c, List<TableName> tables) throws SQLException {
        List<List<String>> trees = new ArrayList<>();
        for (TableName t : tables) {
            List<String> tree = new ArrayList<>();
            for (String[] r : Sql.rows(c, "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.oid IN (SELECT ?::regclass UNION SELECT relid FROM pg_partition_tree(?::regclass))"
                    + " ORDER BY c.oid <> ?::regclass, 1", t.quoted(), t.quoted(), t.quoted())) {
                tree.add(r[0]);
            }
            trees.add(tree);
        }
        Set<String> tops = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        for (List<String> tree : trees) {
            String top = tree.get(0);
            // A migrated table that is a partition of another migrated table gets the clone of that table's row trigger.
            boolean underAnother = trees.stream().anyMatch(other -> other != tree && other.subList(1, other.size()).contains(top));
            if (!underAnother) {
                tops.add(top);
            }
            all.addAll(tree);
        }
        List<Relation> out = new ArrayList<>();
        tops.forEach(t -> out.add(new Relation(t, true)));
        all.stream().filter(r -> !tops.contains(r)).forEach(r -> out.add(new Relation(r, false)));
        return out;
    }

    /**
     * Whether the fence is in force on every relation it covers now, each trigger present and firing always
     * ({@code tgenabled = 'A'}: a trigger enabled for origin sessions only lets {@code session_replication_role = replica}
     * sessions write): the row trigger (or its clone) on every table and partition, the statement trigger on every migrated
     * table. A partition created after the fence has only the clone of the row trigger, which refuses every write to it;
     * a TRUNCATE of it (it is always empty) cannot lose anything, and a TRUNCATE of the migrated table, which would
     * reach it too, meets that table's statement trigger.
     */
    public static boolean holds(Connection c, String migration, List<TableName> tables) throws SQLException {
        for (Relation r : relations(c, tables)) {
            String rows = enabled(c, r.name(), rowTriggerName(migration));
            String statements = enabled(c, r.name(), triggerName(migration));
            if (!"A".equals(rows) || (r.rowTrigger() ? !"A".equals(statements) : statements != null && !"A".equals(statements))) {
                return false;
            }
        }
        return true;
    }

    /** The trigger's {@code tgenabled}, or null when the relation has no such trigger. */
    private static String enabled(Connection c, String relation, String trigger) throws SQLException {
        return Sql.one(c, "SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = ?::regclass AND tgname = ?", relation, trigger);
    }

    private static boolean hasTrigger(Connection c, String relation, String trigger) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM pg_trigger WHERE tgrelid = ?::regclass AND tgname = ?", relation, trigger) != null;
    }

    /** The fence's record on the source, if its function exists. */
    public static Optional<State> state(Connection c, String migration) throws SQLException {
        List<String[]> rows = Sql.rows(c, "SELECT coalesce(obj_description(p.oid, 'pg_proc'), '') FROM pg_proc p"
                + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'warp' AND p.proname = ? AND p.pronargs = 0",
                triggerName(migration));
        return rows.isEmpty() ? Optional.empty() : Optional.of(State.parse(rows.get(0)[0]));
    }

    /** Records on the source that the cutover which installed the fence has completed. */
    public static void markCompleted(PgEndpoint source, String migration) throws SQLException {
        try (Connection c = source.connect()) {
            State s = state(c, migration).orElseThrow(() -> new IllegalStateException("the write fence's function "
                    + functionName(migration) + " is gone from the source"));
            Sql.exec(c, "COMMENT ON FUNCTION " + functionName(migration) + "() IS "
                    + Sql.literal(new State(s.installedAt(), Instant.now().toString()).comment(migration)));
        }
    }

    public static Fence install(PgEndpoint source, String migration, List<TableName> tables, boolean terminate, long graceMillis,
                                long timeoutMillis) throws Exception {
        String function = functionName(migration);
        ExecutorService lockWaiter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warp-fence-lock");
            t.setDaemon(true);
            return t;
        });
        try (Connection fence = source.connect(); Connection watch = source.connect()) {
            boolean existed = holds(watch, migration, tables);
            Optional<State> before = state(watch, migration);
            int fencePid = Integer.parseInt(Sql.one(fence, "SELECT pg_backend_pid()"));
            int version = Integer.parseInt(Sql.one(fence, "SHOW server_version_num"));
            fence.setAutoCommit(false);
            // Made durable at commit, with every commit before it, whatever synchronous_commit the database or role sets.
            Sql.exec(fence, "SET LOCAL synchronous_commit = local");
            if (version >= 140000) {
                // A warp process that dies while this session waits for the lock: the server notices within a second.
                Sql.exec(fence, "SET LOCAL client_connection_check_interval = 1000");
            }
            Sql.exec(fence, "CREATE SCHEMA IF NOT EXISTS warp");
            Sql.exec(fence, "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS "
                    + Sql.dollarQuote("fence", "BEGIN RAISE EXCEPTION 'warp cutover: writes to %.% are fenced (migration " + migration.replace("'", "''")
                    + "): the data now lives on the target', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'read_only_sql_transaction',"
                    + " HINT = 'point the application at the target; to make the source writable again: DROP TRIGGER "
                    + rowTriggerName(migration) + " and " + triggerName(migration) + " ON each table'; END"));
            long t0 = System.nanoTime();
            List<Integer> terminated = new ArrayList<>();
            Set<String> locked = new LinkedHashSet<>();
            // The list is read on the watching session: read in the fence's transaction, its ACCESS SHARE locks would stay
            // until commit and make a partition created meanwhile wait for the fence instead of being fenced by it.
            List<Relation> relations = relations(watch, tables);
            while (true) {
                List<String> toLock = relations.stream().map(Relation::name).filter(r -> !locked.contains(r)).toList();
                if (toLock.isEmpty()) {
                    break;
                }
                lock(fence, watch, fencePid, toLock, lockWaiter, terminate, graceMillis, timeoutMillis, t0, terminated);
                locked.addAll(toLock);
                // Read again under the lock: a partition created while the fence waited is fenced too.
                relations = relations(watch, tables);
            }
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            // No DROP TRIGGER here: it takes ACCESS EXCLUSIVE, which would wait for (and then block) every reader.
            for (Relation r : relations) {
                if (!hasTrigger(fence, r.name(), triggerName(migration))) {
                    Sql.exec(fence, "CREATE TRIGGER " + Sql.ident(triggerName(migration)) + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                            + r.name() + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()");
                }
                Sql.exec(fence, "ALTER TABLE " + r.name() + " ENABLE ALWAYS TRIGGER " + Sql.ident(triggerName(migration)));
                if (r.rowTrigger() && !hasTrigger(fence, r.name(), rowTriggerName(migration))) {
                    Sql.exec(fence, "CREATE TRIGGER " + Sql.ident(rowTriggerName(migration)) + " BEFORE INSERT OR UPDATE OR DELETE ON "
                            + r.name() + " FOR EACH ROW EXECUTE FUNCTION " + function + "()");
                }
            }
            for (Relation r : relations) {
                // On each partition too: the clones of the row trigger, whatever this server version propagates.
                Sql.exec(fence, "ALTER TABLE " + r.name() + " ENABLE ALWAYS TRIGGER " + Sql.ident(rowTriggerName(migration)));
            }
            // A fence in place keeps its record: one whose cutover completed stays completed (a re-run re-checks, it does
            // not reopen the switch-over); one left by an interrupted run is taken over by this one.
            State state = before.filter(s -> existed).orElse(new State(Instant.now().toString(), null));
            Sql.exec(fence, "COMMENT ON FUNCTION " + function + "() IS " + Sql.literal(state.comment(migration)));
            fence.commit();
            List<String> names = relations.stream().map(Relation::name).toList();
            return new Fence(triggerName(migration), function, names, existed, existed && state.completed(), terminated, waitedMillis,
                    undoStatements(migration, relations));
        } finally {
            lockWaiter.shutdownNow();
        }
    }

    /**
     * Takes SHARE ROW EXCLUSIVE on the relations in the fence's transaction, waiting for open writers (terminating them after
     * the grace period when asked) until the overall timeout; on failure the transaction is rolled back.
     */
    private static void lock(Connection fence, Connection watch, int fencePid, List<String> relations, ExecutorService lockWaiter,
                             boolean terminate, long graceMillis, long timeoutMillis, long t0, List<Integer> terminated) throws Exception {
        long left = Math.max(1, timeoutMillis - (System.nanoTime() - t0) / 1_000_000);
        // Bounded by the server, not only by this process: a warp killed meanwhile leaves no lock request queued for long.
        Sql.exec(fence, "SET LOCAL lock_timeout = " + left);
        Sql.exec(fence, "SET LOCAL statement_timeout = " + left);
        Future<?> locked = lockWaiter.submit(() -> {
            Sql.exec(fence, "LOCK TABLE " + String.join(", ", relations) + " IN SHARE ROW EXCLUSIVE MODE");
            return null;
        });
        List<String[]> blockers = List.of();
        while (!locked.isDone()) {
            long waited = (System.nanoTime() - t0) / 1_000_000;
            List<String[]> now = Sql.rows(watch, "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),"
                    + " coalesce(a.usename::text, '') FROM unnest(pg_blocking_pids(?)) b(pid) LEFT JOIN pg_stat_activity a ON a.pid = b.pid",
                    fencePid);
            if (!now.isEmpty()) {
                blockers = now;
            }
            if (terminate && waited >= graceMillis) {
                for (String[] b : now) {
                    if (b[0] != null && !"0".equals(b[0]) && "t".equals(Sql.one(watch, "SELECT pg_terminate_backend(?)", Integer.parseInt(b[0])))) {
                        terminated.add(Integer.parseInt(b[0]));
                    }
                }
            }
            if (waited > timeoutMillis + 30_000) {
                // lock_timeout should have ended the wait long ago
                Sql.one(watch, "SELECT pg_cancel_backend(?)", fencePid);
            }
            Thread.sleep(50);
        }
        try {
            locked.get(30, TimeUnit.SECONDS);
            Sql.exec(fence, "SET LOCAL statement_timeout = 0");
        } catch (ExecutionException e) {
            fence.rollback();
            if (e.getCause() instanceof SQLException sql && ("55P03".equals(sql.getSQLState()) || "57014".equals(sql.getSQLState()))) {
                String prepared = Sql.one(watch, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");
                throw new IllegalStateException("write fence not installed: after " + timeoutMillis / 1000 + " s, "
                        + blockers.size() + " transaction(s) still hold write locks on the migrated tables ("
                        + describe(blockers) + ("0".equals(prepared) ? "" : "; " + prepared + " prepared transaction(s) in pg_prepared_xacts")
                        + "). Nothing was changed; the source is writable. End those transactions, or use --terminate-sessions, and run"
                        + " cutover again.", sql);
            }
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Removes the fence: the source is writable again. */
    public static void remove(PgEndpoint source, Fence fence) throws SQLException {
        remove(source, fence.undo());
    }

    /** Runs the given undo statements in one transaction. */
    public static void remove(PgEndpoint source, List<String> undo) throws SQLException {
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            for (String s : undo) {
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
