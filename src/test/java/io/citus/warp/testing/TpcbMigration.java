package io.citus.warp.testing;

import io.citus.warp.workload.TpcbWorkload;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

/** A migration of the TPC-B tables: loaded on the source, empty on the target, both connectors running, snapshot applied. */
public final class TpcbMigration {
    /** Each TPC-B table with the key that orders its rows, for {@link TableDigest}. */
    public static final String[] TABLES = {"pgbench_branches", "bid", "pgbench_tellers", "tid", "pgbench_accounts", "aid",
            "pgbench_history", "hid"};

    private TpcbMigration() {
    }

    public static void start(Migration m, TpcbWorkload tpcb, Map<String, String> sinkOverrides, Duration wait) throws Exception {
        try (Connection src = m.source(); Connection dst = m.target()) {
            TpcbWorkload.createSchema(src);
            tpcb.load(src);
            TpcbWorkload.createSchema(dst);
        }
        m.deploySource(TpcbWorkload.TABLES);
        m.deploySink(TpcbWorkload.TABLES, sinkOverrides);
        TableDigest.awaitEqual(m, wait, TABLES);
    }
}
