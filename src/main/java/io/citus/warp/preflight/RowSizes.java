package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.Sql;
import io.citus.warp.schema.TableDefinition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The largest row of each table against the largest change event the shipped configs carry through Kafka (the source
 * producer's {@code max.request.size}; docs/guarantees.md#large-values). A row travels as one JSON event holding its
 * values (bytea as base64, a third larger) and, under REPLICA IDENTITY FULL, its old values too.
 *
 * <p>Cheap enough for big databases: values are measured without reading them. {@code octet_length} of text and bytea
 * reads the length a TOASTed value's pointer carries (PostgreSQL does not detoast it); other variable-length values
 * count at their stored size ({@code pg_column_size}, smaller than their text when compressed). Only the tables' main
 * heap is scanned, and a table larger than {@link #FULL_SCAN_PAGES} pages is sampled ({@code TABLESAMPLE SYSTEM}), which
 * the finding says.
 */
public final class RowSizes {
    /** The largest change event (bytes of JSON) the shipped source config lets its producer send. */
    public static final long EVENT_LIMIT = Long.parseLong(
            ConnectorTemplates.raw(ConnectorTemplates.SOURCE_POSTGRES).get("producer.override.max.request.size"));
    /** Tables up to this many 8 kB pages (1 GiB) are scanned whole; larger ones are sampled down to about this. */
    static final long FULL_SCAN_PAGES = 131_072;
    /** The JSON of a column's name, schema and punctuation in an event, besides its value. */
    static final long PER_COLUMN = 200;
    private static final int BYTEA = 17;

    private RowSizes() {
    }

    /** One table's largest row as measured. {@code sampledPercent} 100 means every row was read. */
    record Measure(TableName table, long eventBytes, String largestColumn, long largestValueBytes, boolean withOldValues,
                   double sampledPercent) {
    }

    /** How a column's values are measured and weighed in the event. */
    enum Kind {
        TEXT("octet_length(%s)", 1.0),
        BYTEA("octet_length(%s)", 4.0 / 3),
        STORED("pg_column_size(%s)", 1.0),
        FIXED(null, 1.0);

        final String measure;
        final double weight;

        Kind(String measure, double weight) {
            this.measure = measure;
            this.weight = weight;
        }
    }

    public static List<Finding> check(Connection c, Map<TableName, TableDefinition> tables) throws SQLException {
        Map<Long, Long> domainBase = SourceTypes.domainBases(c);
        List<Measure> measures = new ArrayList<>();
        for (Map.Entry<TableName, TableDefinition> t : tables.entrySet()) {
            measures.add(measure(c, t.getKey(), t.getValue().replicaIdentity() == 'f', domainBase));
        }
        return findings(measures, EVENT_LIMIT);
    }

    private static Measure measure(Connection c, TableName table, boolean withOldValues, Map<Long, Long> domainBase)
            throws SQLException {
        List<String> names = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        for (String[] r : Sql.rows(c, "SELECT a.attname, a.atttypid, t.typlen, t.typcategory FROM pg_attribute a"
                + " JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND a.attgenerated = '' ORDER BY a.attnum", table.quoted())) {
            long type = SourceTypes.root(Long.parseLong(r[1]), domainBase);
            names.add(r[0]);
            kinds.add(type == BYTEA ? Kind.BYTEA : !"-1".equals(r[2]) ? Kind.FIXED : "S".equals(r[3]) ? Kind.TEXT : Kind.STORED);
        }
        long pages = Long.parseLong(Sql.one(c, "SELECT greatest(relpages, 1) FROM pg_class WHERE oid = ?::regclass", table.quoted()));
        double percent = pages <= FULL_SCAN_PAGES ? 100 : Math.max(0.01, 100.0 * FULL_SCAN_PAGES / pages);
        StringBuilder row = new StringBuilder("0");
        StringBuilder perColumn = new StringBuilder();
        List<Integer> measured = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Kind kind = kinds.get(i);
            if (kind.measure == null) {
                continue;
            }
            String value = "coalesce(" + kind.measure.formatted(Sql.ident(names.get(i))) + ", 0)::float8";
            row.append(" + ").append(value).append(kind.weight == 1.0 ? "" : " * " + kind.weight);
            perColumn.append(", max(").append(value).append(')');
            measured.add(i);
        }
        String sql = "SELECT max(" + row + ")" + perColumn + " FROM ONLY " + table.quoted()
                + (percent < 100 ? " TABLESAMPLE SYSTEM (" + percent + ")" : "");
        long values = 0;
        String largestColumn = null;
        long largestValue = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            values = (long) rs.getDouble(1);
            for (int k = 0; k < measured.size(); k++) {
                long v = (long) rs.getDouble(k + 2);
                if (v > largestValue) {
                    largestValue = v;
                    largestColumn = names.get(measured.get(k));
                }
            }
        }
        long event = estimate(values, names.size(), withOldValues);
        return new Measure(table, event, largestColumn, largestValue, withOldValues, percent);
    }

    /** The JSON event of a row whose values weigh {@code values} bytes: its columns' framing, and twice for FULL. */
    static long estimate(long values, int columns, boolean withOldValues) {
        long image = values + PER_COLUMN * columns;
        return withOldValues ? 2 * image : image;
    }

    /** A blocker per table whose largest row exceeds the limit, a warning per table above half of it, else one OK. */
    static List<Finding> findings(List<Measure> measures, long limit) {
        List<Finding> findings = new ArrayList<>();
        Measure largest = null;
        for (Measure m : measures) {
            if (largest == null || m.eventBytes() > largest.eventBytes()) {
                largest = m;
            }
            String check = "largest row " + m.table();
            String what = "its largest row makes a change event of about " + Preflight.human(m.eventBytes())
                    + (m.largestColumn() == null ? "" : " (largest value: " + m.largestColumn() + ", " + Preflight.human(m.largestValueBytes()) + ")")
                    + (m.withOldValues() ? ", doubled by REPLICA IDENTITY FULL (updates carry the old row too)" : "")
                    + (m.sampledPercent() < 100 ? "; measured on a " + String.format("%.2f", m.sampledPercent())
                    + "% sample of the table's pages, a larger row may exist" : "");
            if (m.eventBytes() > limit) {
                findings.add(Finding.blocker("source", check, what + ", more than the " + Preflight.human(limit)
                        + " a change event may have (the source producer's max.request.size): such a row stops the source"
                        + " connector. Keep such values out of the row (e.g. in object storage)"
                        + (m.withOldValues() ? " or set REPLICA IDENTITY DEFAULT" : "")
                        + ", or raise the producer's max.request.size and buffer.memory, the change topic's max.message.bytes"
                        + " and the brokers' socket.request.max.bytes together (docs/guarantees.md#large-values)"));
            } else if (m.eventBytes() > limit / 2) {
                findings.add(Finding.warn("source", check, what + ", over half the " + Preflight.human(limit)
                        + " a change event may have: JSON escaping (quotes, backslashes, control characters) can make it"
                        + " larger, and a larger row would stop the source connector (docs/guarantees.md#large-values)"));
            }
        }
        if (findings.isEmpty() && largest != null) {
            findings.add(Finding.ok("source", "largest rows", "every table's largest row fits in a change event (at most "
                    + Preflight.human(limit) + "); largest: " + largest.table() + ", about " + Preflight.human(largest.eventBytes())));
        }
        return findings;
    }
}
