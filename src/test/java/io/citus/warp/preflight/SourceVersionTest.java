package io.citus.warp.preflight;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** warp check refuses sources older than the oldest version the cutover works on. */
@Tag("unit")
class SourceVersionTest {
    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "100023, 10.23, BLOCKER",
            "120022, 12.22, BLOCKER",
            "130022, 13.22, OK",
            "140019, 14.19, OK",
            "150014, 15.14, OK",
            "170006, 17.6,  OK",
            "180000, 18.0,  OK",
    })
    void olderThanThirteenIsABlocker(int num, String version, String level) {
        assertEquals(level, Preflight.sourceVersion(num, version).level().name());
    }
}
