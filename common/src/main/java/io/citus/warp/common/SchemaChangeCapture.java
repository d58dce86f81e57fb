package io.citus.warp.common;

import java.util.List;

/**
 * The capture of schema changes on the source, a contract between {@code warp start} (which installs it) and the sink
 * (which reads what it captures). Event triggers ({@code ddl_command_end}, {@code table_rewrite}, {@code sql_drop}) keep,
 * per migration (replication slot) and migrated table, the table's definition in {@value #SCHEMA}.{@value #TABLE}: after
 * every DDL command that changes a migrated table they write the definition before and after it, and PostgreSQL's own
 * decision whether the command rewrote the table, into that table's row. The row is in the migration's publication, so
 * its UPDATE reaches the sink inside the DDL's own source transaction, in order with the rows around it.
 *
 * <p>A table row rather than a logical decoding message ({@code pg_logical_emit_message}): any source login can emit a
 * message with any content, while only the capture's owner can write this table, so what the sink turns into DDL on the
 * target comes from the source's catalog and nothing else.
 *
 * <p>A definition ({@link #definitionSql}) is JSON: {@value #F_SCHEMA}, {@value #F_NAME}, {@value #F_PERSISTENCE},
 * {@value #F_REPLICA_IDENTITY}, {@value #F_PRIMARY_KEY} (names), {@value #F_PARTITIONS} (partitioned tables only) and
 * {@value #F_COLUMNS}: {@value #C_ATTNUM}, {@value #C_NAME}, {@value #C_TYPE} ({@code format_type} with
 * {@code search_path = pg_catalog}, so user types are schema-qualified), {@value #C_TYPE_OID}, {@value #C_TYPMOD},
 * {@value #C_COLLATION} (when not the type's), {@value #C_NOT_NULL}, {@value #C_DEFAULT} ({@code pg_get_expr}),
 * {@value #C_MISSING} (the value rows that existed before an {@code ADD COLUMN} read, {@code attmissingval}, in text form
 * under ISO/UTC settings), {@value #C_GENERATED} and {@value #C_IDENTITY}; absent fields are null. A change
 * ({@value #CHANGE_COLUMN}) is {@value #F_SEQ}, {@value #F_TAG}, {@value #F_REWRITE} ({@code table_rewrite} reasons, OR-ed:
 * 1 persistence, 2 default value, 4 column type, 8 access method), {@value #F_BEFORE} and {@value #F_AFTER} (null once
 * the table is dropped).
 */
public final class SchemaChangeCapture {
    private SchemaChangeCapture() {
    }

    /** The schema of the capture's objects on the source. */
    public static final String SCHEMA = "warp";
    public static final String TABLE = "ddl_capture";
    /** The capture table as the stream names it. */
    public static final TableName CAPTURE_TABLE = new TableName(SCHEMA, TABLE);
    /** Its entry in Debezium's table.include.list (a regular expression). */
    public static final String INCLUDE_LIST_ENTRY = SCHEMA + "\\." + TABLE;

    public static final String SLOT_COLUMN = "slot";
    public static final String CHANGE_COLUMN = "change";

    public static final String F_SEQ = "seq";
    public static final String F_TAG = "tag";
    public static final String F_REWRITE = "rewrite";
    public static final String F_BEFORE = "before";
    public static final String F_AFTER = "after";
    public static final String F_SCHEMA = "schema";
    public static final String F_NAME = "name";
    public static final String F_PERSISTENCE = "persistence";
    public static final String F_REPLICA_IDENTITY = "replicaIdentity";
    public static final String F_PRIMARY_KEY = "primaryKey";
    public static final String F_PARTITIONS = "partitions";
    public static final String F_COLUMNS = "columns";
    public static final String C_ATTNUM = "attnum";
    public static final String C_NAME = "name";
    public static final String C_TYPE = "type";
    public static final String C_TYPE_OID = "typeOid";
    public static final String C_TYPMOD = "typmod";
    public static final String C_COLLATION = "collation";
    public static final String C_NOT_NULL = "notNull";
    public static final String C_DEFAULT = "default";
    public static final String C_MISSING = "missing";
    public static final String C_GENERATED = "generated";
    public static final String C_IDENTITY = "identity";

    /** The event triggers, by name: what {@link #installStatements()} creates and {@link #uninstallStatements()} drops. */
    public static final List<String> EVENT_TRIGGERS = List.of("warp_capture_rewrite", "warp_capture_ddl", "warp_capture_drop");

    /** The definition of one table (a bind parameter: its oid), as the event triggers record it. */
    public static String definitionSql() {
        return SCHEMA + ".table_definition(?::oid)";
    }

    private static final String DEFINITION_FUNCTION = """
            CREATE OR REPLACE FUNCTION warp.table_definition(rel oid) RETURNS jsonb
            LANGUAGE sql STABLE
            SET search_path = pg_catalog, pg_temp
            SET datestyle = 'ISO, YMD' SET timezone = 'UTC' SET intervalstyle = 'postgres' SET extra_float_digits = '3'
            SET bytea_output = 'hex'
            AS $fn$
            SELECT jsonb_build_object(
                'schema', n.nspname,
                'name', c.relname,
                'persistence', c.relpersistence::text,
                'replicaIdentity', c.relreplident::text,
                'primaryKey', coalesce((SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                          FROM pg_index i
                                          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                                         WHERE i.indrelid = c.oid AND i.indisprimary), '[]'::jsonb),
                'partitions', CASE WHEN c.relkind = 'p' THEN coalesce((SELECT jsonb_agg(p.relid::regclass::text ORDER BY p.relid::regclass::text)
                                          FROM pg_partition_tree(c.oid) p WHERE p.relid <> c.oid), '[]'::jsonb) END,
                'columns', coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                'attnum', a.attnum,
                                'name', a.attname,
                                'type', format_type(a.atttypid, a.atttypmod),
                                'typeOid', a.atttypid,
                                'typmod', a.atttypmod,
                                'collation', CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                                                  THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                                'notNull', a.attnotnull,
                                'default', pg_get_expr(d.adbin, d.adrelid),
                                'missing', CASE WHEN a.atthasmissing THEN (a.attmissingval::text::text[])[1] END,
                                'generated', nullif(a.attgenerated::text, ''),
                                'identity', nullif(a.attidentity::text, ''))) ORDER BY a.attnum)
                             FROM pg_attribute a
                             JOIN pg_type t ON t.oid = a.atttypid
                             LEFT JOIN pg_collation co ON co.oid = a.attcollation
                             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
                             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::jsonb))
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = rel
            $fn$""";

    /** Remembers, for the command's end, that it rewrote a migrated table (or a partition of one), and why. */
    private static final String REWRITE_FUNCTION = """
            CREATE OR REPLACE FUNCTION warp.capture_rewrite() RETURNS event_trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                root oid := coalesce(pg_partition_root(pg_event_trigger_table_rewrite_oid()), pg_event_trigger_table_rewrite_oid());
            BEGIN
                IF EXISTS (SELECT 1 FROM warp.ddl_capture WHERE relid = root) THEN
                    PERFORM set_config('warp.rewritten', coalesce(current_setting('warp.rewritten', true), '')
                        || root::text || ':' || pg_event_trigger_table_rewrite_reason()::text || ',', true);
                END IF;
            END
            $fn$""";

    private static final String RECORD_FUNCTION = """
            CREATE OR REPLACE FUNCTION warp.record_change(tracked warp.ddl_capture, tag text, rewrite int, after jsonb) RETURNS void
            LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            UPDATE warp.ddl_capture
               SET definition = after,
                   change = jsonb_build_object('seq', coalesce((tracked.change ->> 'seq')::bigint, 0) + 1, 'tag', tag,
                                               'rewrite', rewrite, 'before', tracked.definition, 'after', after)
             WHERE slot = tracked.slot AND relid = tracked.relid
            $fn$""";

    /** At the end of each DDL command on a migrated table (its partitions, its schema): records what changed. */
    private static final String DDL_FUNCTION = """
            CREATE OR REPLACE FUNCTION warp.capture_ddl() RETURNS event_trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                tracked warp.ddl_capture;
                rewritten text := coalesce(current_setting('warp.rewritten', true), '');
                reason int;
                after jsonb;
            BEGIN
                FOR tracked IN
                    SELECT DISTINCT ON (w.slot, w.relid) w.*
                      FROM warp.ddl_capture w
                      JOIN pg_event_trigger_ddl_commands() cmd
                        ON (cmd.classid = 'pg_class'::regclass AND w.relid IN (cmd.objid, pg_partition_root(cmd.objid)))
                        OR (cmd.classid = 'pg_namespace'::regclass AND cmd.objid = (SELECT relnamespace FROM pg_class WHERE oid = w.relid))
                     WHERE w.definition IS NOT NULL
                LOOP
                    after := warp.table_definition(tracked.relid);
                    reason := (SELECT coalesce(bit_or(split_part(e, ':', 2)::int), 0)
                                 FROM unnest(string_to_array(rewritten, ',')) e WHERE split_part(e, ':', 1) = tracked.relid::text);
                    IF after IS DISTINCT FROM tracked.definition OR reason <> 0 THEN
                        PERFORM warp.record_change(tracked,
                            (SELECT string_agg(DISTINCT command_tag, ', ') FROM pg_event_trigger_ddl_commands()), reason, after);
                    END IF;
                END LOOP;
                PERFORM set_config('warp.rewritten', '', true);
            END
            $fn$""";

    /** A migrated table dropped, or a partition of one dropped (its rows leave the table without row changes). */
    private static final String DROP_FUNCTION = """
            CREATE OR REPLACE FUNCTION warp.capture_drop() RETURNS event_trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                tracked warp.ddl_capture;
                after jsonb;
            BEGIN
                FOR tracked IN SELECT w.* FROM warp.ddl_capture w WHERE w.definition IS NOT NULL LOOP
                    IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = tracked.relid AND d.objsubid = 0) THEN
                        PERFORM warp.record_change(tracked, tg_tag, 0, NULL);
                    ELSIF tracked.definition ? 'partitions' THEN
                        after := warp.table_definition(tracked.relid);
                        IF after IS DISTINCT FROM tracked.definition THEN
                            PERFORM warp.record_change(tracked, tg_tag, 0, after);
                        END IF;
                    END IF;
                END LOOP;
            END
            $fn$""";

    /**
     * Idempotent statements creating the capture (schema, table, functions, event triggers); they need the right to
     * create event triggers (a superuser on most PostgreSQL versions and services). Run in one transaction.
     */
    public static List<String> installStatements() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS warp",
                "REVOKE ALL ON SCHEMA warp FROM PUBLIC",
                "CREATE TABLE IF NOT EXISTS warp.ddl_capture (slot text NOT NULL, relid oid NOT NULL, definition jsonb,"
                        + " change jsonb NOT NULL, PRIMARY KEY (slot, relid))",
                "REVOKE ALL ON warp.ddl_capture FROM PUBLIC",
                DEFINITION_FUNCTION, REWRITE_FUNCTION, RECORD_FUNCTION, DDL_FUNCTION, DROP_FUNCTION,
                "DROP EVENT TRIGGER IF EXISTS warp_capture_rewrite",
                "DROP EVENT TRIGGER IF EXISTS warp_capture_ddl",
                "DROP EVENT TRIGGER IF EXISTS warp_capture_drop",
                "CREATE EVENT TRIGGER warp_capture_rewrite ON table_rewrite EXECUTE FUNCTION warp.capture_rewrite()",
                // Tags whose commands can change a migrated table's rows or shape, its partitions (CREATE TABLE ...
                // PARTITION OF) or its name (ALTER SCHEMA ... RENAME); others never reach the function.
                "CREATE EVENT TRIGGER warp_capture_ddl ON ddl_command_end"
                        + " WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')"
                        + " EXECUTE FUNCTION warp.capture_ddl()",
                "CREATE EVENT TRIGGER warp_capture_drop ON sql_drop EXECUTE FUNCTION warp.capture_drop()");
    }

    /**
     * Starts (or goes on) capturing the changes of the tables in the second bind parameter ({@code regclass[]}) for the
     * slot in the first. A table whose recorded definition differs from its current one (changed while nothing captured
     * it) gets that difference as a change; the others are left alone. Tables no longer migrated under this slot are
     * dropped by {@link #untrackOthersSql()}.
     */
    public static String trackSql() {
        return "INSERT INTO warp.ddl_capture AS w (slot, relid, definition, change)"
                + " SELECT ?, r.oid, warp.table_definition(r.oid),"
                + " jsonb_build_object('seq', 0, 'tag', 'warp start', 'rewrite', 0, 'before', warp.table_definition(r.oid),"
                + " 'after', warp.table_definition(r.oid))"
                + " FROM unnest(?::regclass[]) AS r(oid)"
                + " ON CONFLICT (slot, relid) DO UPDATE SET definition = EXCLUDED.definition,"
                + " change = jsonb_build_object('seq', coalesce((w.change ->> 'seq')::bigint, 0) + 1, 'tag', 'warp start',"
                + " 'rewrite', 0, 'before', w.definition, 'after', EXCLUDED.definition)"
                + " WHERE w.definition IS DISTINCT FROM EXCLUDED.definition";
    }

    /** Forgets the tables of the slot (first bind parameter) not in the second ({@code regclass[]}). */
    public static String untrackOthersSql() {
        return "DELETE FROM warp.ddl_capture WHERE slot = ? AND NOT relid = ANY (?::regclass[]::oid[])";
    }

    /** Forgets every table of a slot (bind parameter): the migration is over. */
    public static String forgetSlotSql() {
        return "DELETE FROM warp.ddl_capture WHERE slot = ?";
    }

    /** The capture's objects, dropped once no migration uses them. */
    public static List<String> uninstallStatements() {
        return List.of(
                "DROP EVENT TRIGGER IF EXISTS warp_capture_rewrite",
                "DROP EVENT TRIGGER IF EXISTS warp_capture_ddl",
                "DROP EVENT TRIGGER IF EXISTS warp_capture_drop",
                "DROP FUNCTION IF EXISTS warp.capture_ddl()",
                "DROP FUNCTION IF EXISTS warp.capture_drop()",
                "DROP FUNCTION IF EXISTS warp.capture_rewrite()",
                "DROP FUNCTION IF EXISTS warp.record_change(warp.ddl_capture, text, int, jsonb)",
                "DROP FUNCTION IF EXISTS warp.table_definition(oid)",
                "DROP TABLE IF EXISTS warp.ddl_capture");
    }
}
