package io.citus.warp.sink.event;

import io.citus.warp.common.TableName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a change event is weighed at: its large values dominate, small ones count a little. */
@Tag("unit")
class EventSizeTest {
    @Test
    void largeValuesCountByTheirLength() {
        assertEquals(0, EventSize.value(null));
        assertEquals(6_000_000, EventSize.value("x".repeat(6_000_000)));
        assertEquals(6_000_000, EventSize.value(new byte[6_000_000]));
        assertEquals(1_000, EventSize.value(ByteBuffer.wrap(new byte[4_000], 1_000, 1_000)));
        assertEquals((16 + 3) + (16 + 16) + (16 + 0), EventSize.value(Arrays.asList("abc", 42, null)));
        assertEquals(16 + 1 + 2, EventSize.value(Map.of("k", "vv")));
        assertEquals(16, EventSize.value(42L));
    }

    @Test
    void anEventWeighsBothRowImages() {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("body", Schema.OPTIONAL_STRING_SCHEMA)
                .field("blob", Schema.OPTIONAL_BYTES_SCHEMA).build();
        Struct before = new Struct(row).put("id", 1L).put("body", "b".repeat(1_000_000));
        Struct after = new Struct(row).put("id", 1L).put("body", "a".repeat(2_000_000)).put("blob", new byte[3_000_000]);
        ChangeEvent update = new ChangeEvent(new KafkaPosition("t", 0, 1), Op.UPDATE, new TableName("public", "docs"),
                List.of("id"), row, before, after, new SourcePosition(100, 10, 7, 1000), null, 7, 1);
        long size = EventSize.of(update);
        assertTrue(size >= 6_000_000 && size < 6_001_000, "about the 6 MB of values: " + size);
    }
}
