package io.citus.warp.cutover;

import io.citus.warp.db.Sql;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves the target's sequences past every value the source handed out: each sequence a migrated table uses, whether
 * owned by a column (serial, identity) or only named in a column default ({@code DEFAULT nextval('shared_seq')}).
 * The target's next value becomes the source's next value plus {@code margin} steps, but never moves backwards
 * ({@code GREATEST} for ascending sequences, {@code LEAST} for descending ones, against the target's own next value):
 * re-running after the application wrote to the target is safe.
 */
public final class SequenceSync {
    /**
     * @param sourceNext the value the source's sequence would hand out next
     * @param targetNext the value the target's sequence hands out next, after the sync
     */
    public record SequenceSet(String table, String column, String sourceSequence, String targetSequence, long increment,
                              long sourceNext, long targetNext) {
    }

    private SequenceSync() {
    }

    /** The sequences a table's columns use: column name to sequence (regclass text), owned or referenced by a default. */
    static Map<String, String> sequencesOf(Connection c, TableName table) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        String sql = "SELECT a.attname, s.oid::regclass::text FROM pg_attribute a"
                + " JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum"
                + " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " UNION"
                // referenced by the column's default expression: the default depends on the sequence
                + " SELECT a.attname, s.oid::regclass::text FROM pg_attrdef ad"
                + " JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum AND NOT a.attisdropped"
                + " JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'"
                + " WHERE ad.adrelid = ?::regclass ORDER BY 1, 2";
        for (String[] r : Sql.rows(c, sql, table.quoted(), table.quoted())) {
            m.putIfAbsent(r[0], r[1]);
        }
        return m;
    }

    /** @param mapping where the sink writes each source table: the target's sequences are those of the mapped table */
    public static List<SequenceSet> run(Connection source, Connection target, List<TableName> tables, TableMapping mapping, long margin)
            throws SQLException {
        List<SequenceSet> done = new ArrayList<>();
        for (TableName t : tables) {
            Map<String, String> targetSeqs = sequencesOf(target, mapping.target(t));
            for (Map.Entry<String, String> e : sequencesOf(source, t).entrySet()) {
                String column = e.getKey();
                String sourceSeq = e.getValue();
                String targetSeq = targetSeqs.get(column);
                if (targetSeq == null) {
                    // A same-named sequence on the target (a default that names it may be added later).
                    targetSeq = Sql.one(target, "SELECT to_regclass(?)::text", sourceSeq);
                }
                if (targetSeq == null) {
                    throw new IllegalStateException("sequence " + sourceSeq + " (used by " + t + "." + column + " on the source) has no"
                            + " counterpart on the target: column " + column + " of " + t + " has no serial, identity or nextval() default"
                            + " there and no sequence " + sourceSeq + " exists. Create it on the target (warp schema creates only sequences a column"
                            + " owns), then run cutover again.");
                }
                String[] s = Sql.rows(source, "SELECT s.seqincrement, CASE WHEN l.is_called THEN l.last_value + s.seqincrement"
                        + " ELSE l.last_value END FROM pg_sequence s, LATERAL (SELECT last_value, is_called FROM " + sourceSeq + ") l"
                        + " WHERE s.seqrelid = ?::regclass", sourceSeq).get(0);
                long increment = Long.parseLong(s[0]);
                long sourceNext = Long.parseLong(s[1]);
                long wanted = Math.addExact(sourceNext, Math.multiplyExact(margin, increment));
                // One statement: the target's own next value read and the new one set together, never backwards.
                String next = Sql.one(target, "WITH q AS (SELECT s.seqincrement AS inc, s.seqmin AS min_value, s.seqmax AS max_value,"
                        + " CASE WHEN l.is_called THEN l.last_value + s.seqincrement ELSE l.last_value END AS cur"
                        + " FROM pg_sequence s, LATERAL (SELECT last_value, is_called FROM " + targetSeq + ") l"
                        + " WHERE s.seqrelid = ?::regclass)"
                        + " SELECT setval(?::regclass, CASE WHEN inc > 0 THEN GREATEST(cur, ?::bigint) ELSE LEAST(cur, ?::bigint) END, false)"
                        + " FROM q WHERE ?::bigint BETWEEN min_value AND max_value",
                        targetSeq, targetSeq, wanted, wanted, wanted);
                if (next == null) {
                    throw new IllegalStateException("sequence " + targetSeq + " on the target cannot continue at " + wanted
                            + " (the source's next value " + sourceNext + " plus " + margin + " steps): outside its MINVALUE/MAXVALUE."
                            + " Widen it (ALTER SEQUENCE ... MAXVALUE/MINVALUE) or lower --sequence-margin, then run cutover again.");
                }
                done.add(new SequenceSet(t.toString(), column, sourceSeq, targetSeq, increment, sourceNext, Long.parseLong(next)));
            }
        }
        return done;
    }
}
