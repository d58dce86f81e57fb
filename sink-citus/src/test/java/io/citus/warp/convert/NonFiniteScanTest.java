package io.citus.warp.convert;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass pre-check that decides whether a record must be re-read for non-finite or negative-zero floats. */
@Tag("unit")
class NonFiniteScanTest {
    private static boolean scan(String json) {
        return ExactJsonConverter.mayHoldNonFinite(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsEveryMarkerAnywhere() {
        for (String marker : new String[] {"\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "-0.0", "-0E"}) {
            assertTrue(scan(marker), marker + " alone");
            assertTrue(scan("{\"a\":" + marker + "}"), marker + " inside");
            assertTrue(scan("{\"name\":\"x-y\",\"a\":1,\"b\":" + marker), marker + " at the end");
        }
    }

    @Test
    void ignoresOrdinaryRecords() {
        assertFalse(scan("{\"schema\":{\"type\":\"struct\",\"name\":\"Name\"},\"payload\":{\"a\":-1.5,\"b\":\"Nab\",\"c\":\"-In\"}}"));
        assertFalse(scan("\"NaN"));
        assertFalse(scan("-0"));
        assertFalse(scan(""));
    }
}
