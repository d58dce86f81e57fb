package io.citus.warp.preflight;

import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a table's largest row is judged against the largest change event the shipped configs carry. */
@Tag("unit")
class RowSizesTest {
    private static final TableName DOCS = new TableName("public", "docs");

    @Test
    void theLimitIsTheShippedProducersMaxRequestSize() {
        assertEquals(100_000_000L, RowSizes.EVENT_LIMIT);
    }

    @ParameterizedTest(name = "{0} bytes of values in {1} columns, old values {2}: {3}")
    @CsvSource({
            "0, 3, false, 600",
            "60000000, 4, false, 60000800",
            "60000000, 4, true, 120001600",
    })
    void anEventHoldsTheValuesTheirFramingAndUnderReplicaIdentityFullTheOldRowToo(long values, int columns, boolean full, long event) {
        assertEquals(event, RowSizes.estimate(values, columns, full));
    }

    @ParameterizedTest(name = "{0} bytes: {1}")
    @CsvSource({
            "6000000, OK",
            "50000000, OK",
            "50000001, WARN",
            "100000000, WARN",
            "100000001, BLOCKER",
    })
    void aRowOverTheLimitBlocksOneOverHalfOfItWarns(long event, Finding.Level level) {
        List<Finding> findings = RowSizes.findings(List.of(new RowSizes.Measure(DOCS, event, "body", event - 1000, false, 100)),
                100_000_000L);
        assertEquals(1, findings.size(), findings.toString());
        Finding f = findings.get(0);
        assertEquals(level, f.level());
        assertEquals("source", f.area());
        if (level == Finding.Level.OK) {
            assertTrue(f.detail().contains("public.docs"), f.detail());
        } else {
            assertEquals("largest row public.docs", f.check());
            assertTrue(f.detail().contains("largest value: body"), f.detail());
            assertTrue(f.detail().contains("docs/guarantees.md#large-values"), f.detail());
        }
    }

    @Test
    void theFindingSaysWhenTheTableWasSampledAndWhenFullReplicaIdentityDoublesTheEvent() {
        Finding f = RowSizes.findings(List.of(new RowSizes.Measure(DOCS, 120_000_000, "body", 60_000_000, true, 0.5)), 100_000_000L)
                .get(0);
        assertEquals(Finding.Level.BLOCKER, f.level());
        assertTrue(f.detail().contains("REPLICA IDENTITY FULL"), f.detail());
        assertTrue(f.detail().contains("or set REPLICA IDENTITY DEFAULT"), f.detail());
        assertTrue(f.detail().contains("0.50% sample"), f.detail());
    }
}
