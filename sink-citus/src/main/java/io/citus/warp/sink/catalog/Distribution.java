package io.citus.warp.sink.catalog;

/** How Citus places a table; plain PostgreSQL tables are LOCAL. */
public enum Distribution {
    /** Hash-distributed by a distribution column. */
    DISTRIBUTED,
    /** Replicated to every node. */
    REFERENCE,
    /** A Citus-managed table kept on the coordinator, or a plain PostgreSQL table. */
    LOCAL
}
