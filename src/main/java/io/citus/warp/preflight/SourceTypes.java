package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;
import io.citus.warp.schema.TableDefinition;
import io.citus.warp.source.SourceText;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the source's types mean for the migration: types that stop Debezium before anything streams, built-in types
 * the sink would refuse, and the columns that travel as the source's own text ({@link SourceText}: enums, composites,
 * ranges, multiranges, extension types and arrays of them), which arrive exactly.
 */
public final class SourceTypes {
    /** Columns named in a finding before the rest is counted. */
    static final int SHOWN = 12;

    private SourceTypes() {
    }

    public static List<Finding> check(Connection c, Map<TableName, TableDefinition> tables) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        findings.add(enumsWithoutLabels(Sql.rows(c, "SELECT format_type(t.oid, NULL), t.typtype FROM pg_type t"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typcategory = 'E' AND n.nspname <> 'pg_toast'"
                + " AND NOT EXISTS (SELECT 1 FROM pg_enum e WHERE e.enumtypid = t.oid) ORDER BY 1")));
        Map<Long, Long> bases = domainBases(c);
        List<String> asText = new ArrayList<>();
        Map<Refusal, List<String>> refused = new EnumMap<>(Refusal.class);
        for (TableName t : tables.keySet()) {
            for (String[] r : Sql.rows(c, "SELECT quote_ident(a.attname), a.atttypid, format_type(a.atttypid, a.atttypmod), a.attndims"
                    + " FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                    t.quoted())) {
                long root = root(Long.parseLong(r[1]), bases);
                String column = t + "." + r[0] + " (" + r[2] + ")";
                if (SourceText.carries(root)) {
                    asText.add(column);
                    continue;
                }
                Refusal refusal = Refusal.of(root, Integer.parseInt(r[3]));
                if (refusal != null) {
                    refused.computeIfAbsent(refusal, k -> new ArrayList<>()).add(column);
                }
            }
        }
        refused.forEach((refusal, columns) -> findings.add(refusal.finding(columns)));
        if (!asText.isEmpty()) {
            findings.add(Finding.ok("source", "user-defined types", asText.size() + " column(s) travel as PostgreSQL's own text"
                    + " of their values (Debezium has no exact converter for them; the target parses the text with the column"
                    + " type's input function, so the type must exist there with the same labels/fields): "
                    + String.join(", ", asText.subList(0, Math.min(SHOWN, asText.size())))
                    + (asText.size() > SHOWN ? " and " + (asText.size() - SHOWN) + " more" : "")));
        }
        return findings;
    }

    /**
     * Built-in types Debezium cannot carry exactly, which the sink refuses when a value arrives (docs/type-fidelity.md):
     * known before anything starts from the column's type alone. Value-dependent refusals (infinite or pre-Gregorian
     * dates, NaN in numeric[]) are left to the sink, which names table, column and position.
     */
    enum Refusal {
        VARYING_BITS(Finding.Level.BLOCKER, "Debezium does not carry a bit varying value's length ('0011' and '11' arrive alike)"
                + ": the sink refuses every such value. Change the column to bit(n) or text on both sides."),
        DROPPED_ARRAYS(Finding.Level.BLOCKER, "Debezium has no converter for arrays of money, interval, xml, point or name and"
                + " drops the column from its events: the sink refuses a target column the events do not carry. Change the"
                + " column to text[] or jsonb on both sides, or leave the table out."),
        MULTI_DIMENSIONAL(Finding.Level.BLOCKER, "declared multi-dimensional: Debezium carries arrays as one-dimensional lists"
                + " (inner arrays become NULL or a Java object name), so the sink refuses them. Store them as jsonb or text, or"
                + " as one-dimensional arrays."),
        TIME_WITH_ZONE(Finding.Level.WARN, "Debezium converts time with time zone values to UTC and drops their offset: the"
                + " sink refuses them unless its timetz.accept.utc=true (--sink-config). Change the column to timestamptz or time,"
                + " or accept UTC-normalised values."),
        XML(Finding.Level.WARN, "an xml value that starts with an XML declaration (<?xml ...?>) loses it on the way, and nothing"
                + " can tell: SELECT count(*) FROM <table> WHERE <column>::text LIKE '<?xml%' must find none.");

        private static final Set<Long> ARRAYS_WITHOUT_CONVERTER = Set.of(791L, 1187L, 143L, 1017L, 1003L);

        final Finding.Level level;
        final String why;

        Refusal(Finding.Level level, String why) {
            this.level = level;
            this.why = why;
        }

        /** The refusal a column of stored type {@code root}, declared with {@code dimensions}, meets; or null. */
        static Refusal of(long root, int dimensions) {
            if (root == 1562 || root == 1563) {
                return VARYING_BITS;
            }
            if (ARRAYS_WITHOUT_CONVERTER.contains(root)) {
                return DROPPED_ARRAYS;
            }
            if (dimensions > 1) {
                return MULTI_DIMENSIONAL;
            }
            if (root == 1266) {
                return TIME_WITH_ZONE;
            }
            return root == 142 ? XML : null;
        }

        Finding finding(List<String> columns) {
            String check = switch (this) {
                case VARYING_BITS -> "bit varying";
                case DROPPED_ARRAYS -> "arrays without a converter";
                case MULTI_DIMENSIONAL -> "multi-dimensional arrays";
                case TIME_WITH_ZONE -> "time with time zone";
                case XML -> "xml";
            };
            return new Finding("source", check, level, String.join(", ", columns) + ": " + why);
        }
    }

    /**
     * Debezium 3.6 reads every enum-category type's labels when it starts, from the whole database, and fails
     * (NullPointerException in its TypeRegistry, debezium/dbz#2525) on one that has none: an enum declared without
     * labels, or a domain over an enum (domains take their base type's category). Nothing can stream from such a source.
     */
    static Finding enumsWithoutLabels(List<String[]> types) {
        if (types.isEmpty()) {
            return Finding.ok("source", "enum types", "every enum-category type has labels");
        }
        List<String> domains = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (String[] t : types) {
            ("d".equals(t[1]) ? domains : empty).add(t[0]);
        }
        StringBuilder s = new StringBuilder("Debezium 3.6 fails at start on a database holding ");
        if (!domains.isEmpty()) {
            s.append("a domain over an enum (").append(String.join(", ", domains)).append(')');
        }
        if (!empty.isEmpty()) {
            s.append(domains.isEmpty() ? "" : " or ").append("an enum without labels (").append(String.join(", ", empty)).append(')');
        }
        s.append(", anywhere in the database, whether migrated or not (its type registry reads every enum type's labels;"
                + " debezium/dbz#2525).");
        if (!domains.isEmpty()) {
            s.append(" Give the columns the enum type itself (ALTER TABLE ... ALTER COLUMN ... TYPE <the enum>, moving the"
                    + " domain's CHECK constraints to the table), then DROP DOMAIN.");
        }
        if (!empty.isEmpty()) {
            s.append(" Drop the enum without labels, or ALTER TYPE ... ADD VALUE.");
        }
        return Finding.blocker("source", "enum types", s.toString());
    }

    /** Every domain's base type (which may be a domain again). */
    static Map<Long, Long> domainBases(Connection c) throws SQLException {
        Map<Long, Long> bases = new HashMap<>();
        for (String[] r : Sql.rows(c, "SELECT oid, typbasetype FROM pg_type WHERE typtype = 'd'")) {
            bases.put(Long.parseLong(r[0]), Long.parseLong(r[1]));
        }
        return bases;
    }

    /** The type a column of type {@code type} stores, through any domains. */
    static long root(long type, Map<Long, Long> domainBases) {
        long t = type;
        while (domainBases.containsKey(t)) {
            t = domainBases.get(t);
        }
        return t;
    }
}
