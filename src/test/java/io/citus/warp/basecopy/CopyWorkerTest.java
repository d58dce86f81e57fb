package io.citus.warp.basecopy;

import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The states in which a base-copy task waits instead of failing, against real PostgreSQL servers: a target whose
 * progress tables the connector has not created yet (a task can start first: it failed with SQLSTATE 42P01 before), an
 * attempt whose snapshot can no longer be imported (its exporting session ended: the connector starts over), and the
 * end of the copy.
 */
@EndToEnd
class CopyWorkerTest {
    @Test
    void waitsForTheConnectorAndForAnImportableSnapshotAndStopsWhenFinished(TestEnvironment env) throws Exception {
        String source = env.source().createDatabase("src_copyworker");
        String target = env.target().createDatabase("dst_copyworker");
        PgEndpoint src = new PgEndpoint(env.source().host(), env.source().port(), source, env.source().user(), "", Map.of());
        PgEndpoint dst = new PgEndpoint(env.target().host(), env.target().port(), target, env.target().user(), "", Map.of());
        try (CopyWorker worker = new CopyWorker(src, dst, "warp", "slot_copyworker", false, "test task")) {
            assertEquals(CopyWorker.Step.WAIT, worker.step(), "no progress tables yet");
            try (Connection t = dst.connect()) {
                for (String ddl : BaseCopyTables.ddl("warp")) {
                    Sql.exec(t, ddl);
                }
                assertEquals(CopyWorker.Step.WAIT, worker.step(), "no attempt recorded yet");
                Sql.exec(t, "INSERT INTO warp.base_copy (slot_name, attempt, parallelism, snapshot_name) VALUES"
                        + " ('slot_copyworker', 1, 2, '00000003-0000001B-1')");
                assertEquals(CopyWorker.Step.WAIT, worker.step(), "a snapshot whose session has ended: wait for the start-over");
                assertEquals(CopyWorker.Step.WAIT, worker.step(), "and again, without failing");
                Sql.exec(t, "UPDATE warp.base_copy SET copied_at = now(), consistent_lsn = '0/1'");
                assertEquals(CopyWorker.Step.FINISHED, worker.step());
            }
        }
    }
}
