package io.citus.warp.source;

import java.util.Set;

/**
 * Which columns travel as the source's own text, and how such a value is marked in a change event: the contract
 * between {@link SourceTextConverter} (inside Debezium), the sink (which writes the text as it is, parsed by the
 * target column type's input function) and {@code warp check} (which reports those columns).
 *
 * <p>PostgreSQL sends every value to logical replication in its text form (pgoutput), and Debezium reads snapshot
 * rows in text form too; both sessions run with PgJDBC's start-up settings (DateStyle ISO, extra_float_digits 3, the
 * worker's TimeZone), as the sink's own session does, so that text read back by the target is the same value.
 * Debezium converts that text into its own types, and cannot for types it does not know: it fails on an array of an
 * enum with a NULL element or a quoted label, and drops or flattens composites, ranges and multiranges it has no
 * converter for. For those the text itself is what is carried.
 */
public final class SourceText {
    /** The Connect schema name of a value carried as the source's text (an optional or required STRING). */
    public static final String SCHEMA_NAME = "io.citus.warp.SourceText";

    /** Debezium's default {@code unavailable.value.placeholder}, sent for unchanged TOASTed values. */
    public static final String DEFAULT_UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

    /**
     * PostgreSQL's FirstNormalObjectId: every type created after initdb (CREATE TYPE, CREATE DOMAIN, CREATE EXTENSION,
     * and the array types made with them) has an OID at least this.
     */
    public static final int FIRST_USER_OID = 16384;

    /** Built-in types Debezium has no exact converter for: the multiranges, and arrays of ranges and of multiranges. */
    static final Set<Integer> BUILT_IN = Set.of(
            4451, 4532, 4533, 4534, 4535, 4536,   // int4-, num-, ts-, tstz-, date-, int8multirange
            6150, 6151, 6152, 6153, 6155, 6157,   // their arrays
            3905, 3907, 3909, 3911, 3913, 3927);  // int4range[], numrange[], tsrange[], tstzrange[], daterange[], int8range[]

    private SourceText() {
    }

    /**
     * Whether a column whose type resolves (through any domains) to the type {@code rootTypeOid} travels as text:
     * user-defined and extension types (enums, composites, ranges, multiranges, base types from extensions) and
     * arrays of them, and {@link #BUILT_IN}. A domain over a built-in type is carried as its base type by Debezium.
     */
    public static boolean carries(long rootTypeOid) {
        return rootTypeOid >= FIRST_USER_OID || BUILT_IN.contains((int) rootTypeOid);
    }
}
