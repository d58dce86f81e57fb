package io.citus.warp.convert;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
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

    @Test
    void onlySchemasWithFloatsNeedTheScan() {
        assertFalse(ExactJsonConverter.containsFloat(SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA)
                .field("s", SchemaBuilder.struct().field("t", Schema.STRING_SCHEMA).build()).build()));
        assertTrue(ExactJsonConverter.containsFloat(SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA)
                .field("after", SchemaBuilder.struct().field("f", Schema.OPTIONAL_FLOAT32_SCHEMA).optional().build()).build()));
        assertTrue(ExactJsonConverter.containsFloat(SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build()));
        assertTrue(ExactJsonConverter.containsFloat(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build()));
    }
}
