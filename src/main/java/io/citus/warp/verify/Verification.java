package io.citus.warp.verify;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.verify.TableVerifier.TableResult;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** Verifies every table of a migration. */
public final class Verification {
    public record Result(boolean equal, List<TableResult> tables) {
    }

    private Verification() {
    }

    /** @param mapping where the sink writes each source table (the deployed sink's schema.mapping / table.mapping) */
    public static Result run(PgEndpoint source, PgEndpoint target, List<TableName> tables, TableMapping mapping, int chunkSize,
                             int rechecks) throws Exception {
        List<TableResult> results = new ArrayList<>();
        try (Connection s = source.connect(); Connection t = target.connect()) {
            TableVerifier verifier = new TableVerifier(s, t, chunkSize, rechecks, 1000);
            for (TableName table : tables) {
                results.add(verifier.verify(table, mapping.target(table)));
            }
        }
        return new Result(results.stream().allMatch(TableResult::equal), results);
    }

    public static void print(PrintWriter out, Result r) {
        out.printf("%-8s %-32s %12s %12s %7s%n", "RESULT", "TABLE", "SOURCE ROWS", "TARGET ROWS", "CHUNKS");
        for (TableResult t : r.tables()) {
            out.printf("%-8s %-32s %,12d %,12d %7d%n", t.equal() ? "EQUAL" : "DIFFERS", t.table(), t.sourceRows(), t.targetRows(), t.chunks());
            if (t.error() != null) {
                out.println("         " + t.error());
            }
            t.differences().forEach(d -> out.printf("         keys %s: %d row(s) on the source, %d on the target, contents differ%n",
                    d.range(), d.sourceRows(), d.targetRows()));
        }
        out.println(r.equal() ? "target equals source" : "target DIFFERS from source");
        out.flush();
    }
}
