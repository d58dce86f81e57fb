package io.citus.warp.status;

import io.citus.warp.status.MigrationStatus.TableSnapshot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** warp status's verdict from the connectors, the snapshot and the lag. */
@Tag("unit")
class VerdictTest {

    @Test
    void verdictFollowsConnectorsSnapshotAndLag() {
        assertEquals(Verdict.NOT_DEPLOYED, Verdict.decide(false, false, false, false, -1));
        assertEquals(Verdict.FAILED, Verdict.decide(true, true, true, true, 0));
        assertEquals(Verdict.SNAPSHOTTING, Verdict.decide(true, false, true, true, 0));
        assertEquals(Verdict.SNAPSHOTTING, Verdict.decide(true, false, false, false, 12));
        assertEquals(Verdict.CATCHING_UP, Verdict.decide(true, false, false, true, 12));
        assertEquals(Verdict.CATCHING_UP, Verdict.decide(true, false, false, true, -1), "unknown lag is not caught up");
        assertEquals(Verdict.CAUGHT_UP, Verdict.decide(true, false, false, true, 0));
        assertEquals("CAUGHT UP", Verdict.CAUGHT_UP.label());
        assertEquals(0.5, new TableSnapshot("t", 50, 100, false).fraction());
        assertEquals(1.0, new TableSnapshot("t", 50, 100, true).fraction());
        assertEquals(0.99, new TableSnapshot("t", 150, 100, false).fraction(), "an estimate never shows 100% before completion");
    }
}
