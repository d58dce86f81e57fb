package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One reading of pg_dist_partition for the sink and the CLI. */
@Tag("unit")
class CitusPlacementTest {

    @ParameterizedTest(name = "partmethod {0}, repmodel {1} -> {3}")
    @CsvSource(textBlock = """
            h, s, tenant_id, DISTRIBUTED,  tenant_id
            h, c, tenant_id, DISTRIBUTED,  tenant_id
            n, t,          , REFERENCE,
            n, s,          , CITUS_LOCAL,
            a, c,          , CITUS_LOCAL,
            r, s,          , CITUS_LOCAL,
            """)
    void aPartitionRowSaysHowTheTableIsPlaced(String partmethod, String repmodel, String column, CitusPlacement.Kind kind,
                                              String distributionColumn) {
        CitusPlacement placement = CitusPlacement.of(partmethod, repmodel, column);
        assertEquals(new CitusPlacement(kind, distributionColumn), placement);
        assertEquals(kind == CitusPlacement.Kind.DISTRIBUTED, placement.isDistributed());
    }
}
