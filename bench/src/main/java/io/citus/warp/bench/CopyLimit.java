package io.citus.warp.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The limit a sink can approach: the table streamed straight from source to target with
 * {@code COPY t TO STDOUT} piped into {@code COPY t FROM STDIN} (text format, one target transaction),
 * between the same two servers, into the same DDL the sinks get.
 */
public final class CopyLimit {
    private CopyLimit() {
    }

    /** Copies {@code table} and returns the rows copied. */
    public static long copy(BenchEnvironment.Server from, String fromDatabase, BenchEnvironment.Server to, String toDatabase,
                            String table) throws SQLException {
        try (Connection src = from.connect(fromDatabase); Connection dst = to.connect(toDatabase)) {
            src.setAutoCommit(false);
            dst.setAutoCommit(false);
            CopyOut out = src.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT");
            CopyIn in = dst.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
            try {
                byte[] row;
                while ((row = out.readFromCopy()) != null) {
                    in.writeToCopy(row, 0, row.length);
                }
                long rows = in.endCopy();
                dst.commit();
                src.commit();
                return rows;
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
                if (out.isActive()) {
                    out.cancelCopy();
                }
            }
        }
    }
}
