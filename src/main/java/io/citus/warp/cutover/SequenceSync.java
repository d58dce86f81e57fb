package io.citus.warp.cutover;

import io.citus.warp.db.Sql;
import io.citus.warp.db.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets the target's sequences from the source's: for each column of the migrated tables backed by a
 * sequence (serial or identity), the target's sequence continues after the source's last value plus a margin.
 */
public final class SequenceSync {
    public record SequenceSet(String table, String column, String sourceSequence, String targetSequence, long sourceValue,
                              long targetValue) {
    }

    private SequenceSync() {
    }

    public static List<SequenceSet> run(Connection source, Connection target, List<TableName> tables, long margin) throws SQLException {
        List<SequenceSet> done = new ArrayList<>();
        for (TableName t : tables) {
            for (String[] r : Sql.rows(source, "SELECT a.attname, pg_get_serial_sequence(?, a.attname) FROM pg_attribute a"
                    + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                    + " AND pg_get_serial_sequence(?, a.attname) IS NOT NULL ORDER BY a.attnum", t.quoted(), t.quoted(), t.quoted())) {
                String column = r[0];
                String sourceSeq = r[1];
                String targetSeq = Sql.one(target, "SELECT pg_get_serial_sequence(?, ?)", t.quoted(), column);
                if (targetSeq == null) {
                    continue;
                }
                String[] v = Sql.rows(source, "SELECT last_value, is_called FROM " + sourceSeq).get(0);
                long last = Long.parseLong(v[0]);
                long next = last + margin;
                Sql.one(target, "SELECT setval(?::regclass, ?, true)", targetSeq, next);
                done.add(new SequenceSet(t.toString(), column, sourceSeq, targetSeq, last, next));
            }
        }
        return done;
    }
}
