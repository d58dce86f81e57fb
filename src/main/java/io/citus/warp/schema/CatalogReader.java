package io.citus.warp.schema;

import io.citus.warp.db.Sql;
import io.citus.warp.common.SchemaChangeCapture;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.TableDefinition.Column;
import io.citus.warp.schema.TableDefinition.Constraint;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads table definitions from a PostgreSQL catalog (source or target). */
public final class CatalogReader {
    private final Connection c;

    public CatalogReader(Connection c) {
        this.c = c;
    }

    /**
     * Every ordinary or partitioned table outside system schemas (partitions excluded: their root is migrated), except
     * warp's own progress tables in {@code progressSchema} (a source that was the target of an earlier migration) and its
     * schema-change capture ({@link SchemaChangeCapture#CAPTURE_TABLE}). Other
     * tables of a source schema that has the progress schema's name are the user's, and are listed.
     */
    public List<TableName> userTables(String progressSchema) throws SQLException {
        List<TableName> out = new ArrayList<>();
        for (String[] r : Sql.rows(c, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r','p') AND NOT c.relispartition"
                + " AND n.nspname NOT IN ('pg_catalog','information_schema','columnar','citus','cdc') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND NOT (n.nspname = ? AND c.relname = ANY (?::text[]))"
                + " AND (n.nspname, c.relname) <> (?, ?)" // warp's own schema-change capture on a source
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
                + " ORDER BY 1, 2", progressSchema, WARP_TABLES, SchemaChangeCapture.SCHEMA, SchemaChangeCapture.TABLE)) {
            out.add(new TableName(r[0], r[1]));
        }
        return out;
    }

    /** Warp's own tables in the progress schema: the sink's progress and the base copy's record. */
    private static final String WARP_TABLES = "{" + String.join(",", java.util.stream.Stream.concat(
            io.citus.warp.common.ProgressTables.ALL.stream(), java.util.stream.Stream.of(io.citus.warp.common.BaseCopyTables.STATE,
                    io.citus.warp.common.BaseCopyTables.RANGES)).toList()) + "}";

    public boolean exists(TableName t) throws SQLException {
        return oid(t).isPresent();
    }

    public Optional<Long> oid(TableName t) throws SQLException {
        String oid = Sql.one(c, "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r','p')", t.schema(), t.table());
        return oid == null ? Optional.empty() : Optional.of(Long.parseLong(oid));
    }

    /**
     * The table's definition. A child of table inheritance gets every column and CHECK constraint it inherits as its own:
     * the target has no inheritance (Citus does not distribute inherited tables), each table stands alone.
     */
    public TableDefinition table(TableName t) throws SQLException {
        long oid = oid(t).orElseThrow(() -> new IllegalArgumentException("no table " + t));
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
                + " EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'"
                + "   WHERE dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'"
                + "   AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'),"
                + " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
                + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END"
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String identity = rs.getString(5);
                    String generated = rs.getString(6);
                    boolean isGenerated = generated != null && generated.equals("s");
                    String expr = rs.getString(4);
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), isGenerated ? null : expr,
                            rs.getBoolean(7), identity == null || identity.isEmpty() ? 0 : identity.charAt(0),
                            isGenerated ? expr : null, rs.getString(8)));
                }
            }
        }
        List<Constraint> constraints = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT con.conname, con.contype, pg_get_constraintdef(con.oid),"
                + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)"
                + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)"
                + " FROM pg_constraint con WHERE con.conrelid = ? AND con.contype IN ('p','u','c','x')"
                // A partition's inherited CHECKs come with PARTITION OF; an inheritance child's are its own on the target.
                + " AND (con.contype <> 'c' OR con.conislocal OR NOT (SELECT relispartition FROM pg_class WHERE oid = con.conrelid))"
                + " ORDER BY CASE con.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END, con.conname")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    constraints.add(new Constraint(rs.getString(1), rs.getString(2).charAt(0), rs.getString(3), strings(rs.getArray(4))));
                }
            }
        }
        List<String> indexes = new ArrayList<>();
        for (String[] r : Sql.rows(c, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ?"
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid)"
                + " ORDER BY i.indexrelid", oid)) {
            indexes.add(r[0]);
        }
        String ident = Sql.one(c, "SELECT relreplident FROM pg_class WHERE oid = ?", oid);
        return new TableDefinition(t, columns, constraints, indexes, ident == null ? 'd' : ident.charAt(0), partitioning(oid));
    }

    /** How a partitioned table is partitioned and its partitions (recursively), or null for any other table. */
    private TableDefinition.Partitioning partitioning(long oid) throws SQLException {
        String key = Sql.one(c, "SELECT pg_get_partkeydef(?::oid)", oid);
        if (key == null) {
            return null;
        }
        List<TableDefinition.Partition> partitions = new ArrayList<>();
        collectPartitions(oid, partitions);
        return new TableDefinition.Partitioning(key, partitions);
    }

    private void collectPartitions(long parent, List<TableDefinition.Partition> out) throws SQLException {
        for (String[] r : Sql.rows(c, "SELECT c.oid, n.nspname, c.relname, pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid),"
                + " pg_get_partkeydef(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class p ON p.oid = i.inhparent"
                + " JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                + " WHERE i.inhparent = ? AND c.relispartition ORDER BY n.nspname, c.relname", parent)) {
            out.add(new TableDefinition.Partition(new TableName(r[1], r[2]), new TableName(r[3], r[4]), r[5], r[6]));
            if (r[6] != null) {
                collectPartitions(Long.parseLong(r[0]), out);
            }
        }
    }

    /** The tables {@code t} inherits from (table inheritance, not partitioning). */
    public List<TableName> inheritanceParents(TableName t) throws SQLException {
        return names("SELECT n.nspname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace"
                + " WHERE c.oid = ?::regclass AND NOT c.relispartition ORDER BY i.inhseqno", t);
    }

    /** The tables that inherit from {@code t} directly (table inheritance, not partitioning). */
    public List<TableName> inheritanceChildren(TableName t) throws SQLException {
        return names("SELECT n.nspname, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE i.inhparent = ?::regclass AND NOT c.relispartition ORDER BY 1, 2", t);
    }

    private List<TableName> names(String sql, TableName t) throws SQLException {
        List<TableName> out = new ArrayList<>();
        for (String[] r : Sql.rows(c, sql, t.quoted())) {
            out.add(new TableName(r[0], r[1]));
        }
        return out;
    }

    /**
     * A foreign key of a table: its name, the table it references, its definition ({@code pg_get_constraintdef}: columns,
     * referenced table, actions, deferrability, NOT VALID) and whether it is validated.
     */
    public record ForeignKey(TableName table, String name, TableName referenced, String definition, boolean validated) {
    }

    /** The foreign keys declared on {@code t}. */
    public List<ForeignKey> foreignKeys(TableName t) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        for (String[] r : Sql.rows(c, "SELECT con.conname, rn.nspname, r.relname, pg_get_constraintdef(con.oid), con.convalidated"
                + " FROM pg_constraint con JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace"
                + " WHERE con.conrelid = ?::regclass AND con.contype = 'f' AND con.conparentid = 0 ORDER BY con.conname", t.quoted())) {
            out.add(new ForeignKey(t, r[0], new TableName(r[1], r[2]), r[3], "t".equals(r[4])));
        }
        return out;
    }

    /** 'r' (a table), 'p' (partitioned), or null when there is no such table. */
    public String relkind(TableName t) throws SQLException {
        return Sql.one(c, "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r','p')", t.schema(), t.table());
    }

    /**
     * Enums, domains, composite and range types used by these tables' columns (through domains, arrays, composite
     * attributes, range subtypes and multiranges), dependencies first.
     */
    public List<UserType> typesUsedBy(List<TableName> tables) throws SQLException {
        Map<Long, UserType> found = new LinkedHashMap<>();
        for (TableName t : tables) {
            long oid = oid(t).orElseThrow();
            for (String[] r : Sql.rows(c, "SELECT a.atttypid FROM pg_attribute a"
                    + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped", oid)) {
                collect(Long.parseLong(r[0]), found);
            }
        }
        return new ArrayList<>(found.values());
    }

    private void collect(long typeOid, Map<Long, UserType> found) throws SQLException {
        if (found.containsKey(typeOid)) {
            return;
        }
        List<String[]> rows = Sql.rows(c, "SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod),"
                + " t.typnotnull, t.typdefault, t.typbasetype, t.typelem, t.typcategory, t.typrelid,"
                + " (SELECT relkind FROM pg_class WHERE oid = t.typrelid)"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE t.oid = ? AND n.nspname NOT IN ('pg_catalog','information_schema')", typeOid);
        if (rows.isEmpty()) {
            return;
        }
        String[] r = rows.get(0);
        char kind = r[2].charAt(0);
        if (kind != 'd' && "A".equals(r[8]) && !"0".equals(r[7])) {
            collect(Long.parseLong(r[7]), found); // an array: its element type
            return;
        }
        switch (kind) {
            case 'e' -> {
                List<String> labels = Sql.rows(c, "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder", typeOid)
                        .stream().map(x -> x[0]).toList();
                found.put(typeOid, new UserType(r[0], r[1], 'e', labels, null, false, null, List.of()));
            }
            case 'd' -> {
                collect(Long.parseLong(r[6]), found); // the base type: an enum, an array, another domain, ...
                List<String> checks = Sql.rows(c, "SELECT 'CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)"
                        + " FROM pg_constraint WHERE contypid = ? AND contype = 'c' ORDER BY conname", typeOid)
                        .stream().map(x -> x[0]).toList();
                found.put(typeOid, new UserType(r[0], r[1], 'd', List.of(), r[3], "t".equals(r[4]), r[5], checks));
            }
            case 'c' -> {
                if (!"c".equals(r[10])) {
                    return; // a table's row type: the table itself must exist first
                }
                List<String> attributes = new ArrayList<>();
                for (String[] a : Sql.rows(c, "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.atttypid,"
                        + " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
                        + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END"
                        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                        + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                        + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", Long.parseLong(r[9]))) {
                    collect(Long.parseLong(a[2]), found);
                    attributes.add(a[0] + " " + a[1] + (a[3] == null ? "" : " COLLATE " + a[3]));
                }
                found.put(typeOid, new UserType(r[0], r[1], 'c', List.of(), null, false, null, List.of(), attributes, List.of()));
            }
            case 'm' -> {
                String range = Sql.one(c, "SELECT rngtypid FROM pg_range WHERE (to_jsonb(pg_range) ->> 'rngmultitypid')::oid = ?", typeOid);
                if (range != null) {
                    collect(Long.parseLong(range), found); // a multirange is created with its range
                }
            }
            case 'r' -> {
                String[] g = Sql.rows(c, "SELECT g.rngsubtype, format_type(g.rngsubtype, NULL),"
                        + " CASE WHEN g.rngcollation <> 0 AND g.rngcollation <> st.typcollation"
                        + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
                        + " CASE WHEN NOT oc.opcdefault THEN quote_ident(on2.nspname) || '.' || quote_ident(oc.opcname) END,"
                        + " CASE WHEN g.rngcanonical <> 0 THEN g.rngcanonical::regproc::text END,"
                        + " CASE WHEN g.rngsubdiff <> 0 THEN g.rngsubdiff::regproc::text END,"
                        + " (SELECT quote_ident(mn.nspname) || '.' || quote_ident(m.typname) FROM pg_type m"
                        + "   JOIN pg_namespace mn ON mn.oid = m.typnamespace WHERE m.oid = (to_jsonb(g) ->> 'rngmultitypid')::oid)"
                        + " FROM pg_range g JOIN pg_type st ON st.oid = g.rngsubtype JOIN pg_opclass oc ON oc.oid = g.rngsubopc"
                        + " JOIN pg_namespace on2 ON on2.oid = oc.opcnamespace"
                        + " LEFT JOIN pg_collation co ON co.oid = g.rngcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                        + " WHERE g.rngtypid = ?", typeOid).get(0);
                collect(Long.parseLong(g[0]), found);
                List<String> options = new ArrayList<>();
                options.add("SUBTYPE = " + g[1]);
                if (g[3] != null) {
                    options.add("SUBTYPE_OPCLASS = " + g[3]);
                }
                if (g[2] != null) {
                    options.add("COLLATION = " + g[2]);
                }
                if (g[4] != null) {
                    options.add("CANONICAL = " + g[4]);
                }
                if (g[5] != null) {
                    options.add("SUBTYPE_DIFF = " + g[5]);
                }
                if (g[6] != null) {
                    options.add("MULTIRANGE_TYPE_NAME = " + g[6]);
                }
                found.put(typeOid, new UserType(r[0], r[1], 'r', List.of(), null, false, null, List.of(), List.of(), options));
            }
            default -> {
                // base types of extensions (created by CREATE EXTENSION) and pseudo-types: nothing to create here
            }
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
