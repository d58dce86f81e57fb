package io.citus.warp.sink.apply;

import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.catalog.TargetTable;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.SourcePosition;
import io.citus.warp.sink.value.PgText;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one refusal policy: a value the sink cannot write exactly fails the change with a message naming the change
 * (table, operation, source and Kafka position), the column, its type and what to do, and never the value; nothing
 * that could quote it (the JDK's parse errors do) is attached as the cause.
 */
@Tag("unit")
class RowEncoderTest {
    private static final TableName T = new TableName("sales", "orders");

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("timetz", SchemaBuilder.string().name("io.debezium.time.ZonedTime").optional().build(),
                        "time with time zone", "11:51:30.123789Z", Op.CREATE, "timetz.accept.utc"),
                Arguments.of("date infinity", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build(),
                        "date", 2145031949, Op.UPDATE, "infinity"),
                Arguments.of("date before 1582 in a snapshot", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build(),
                        "date", -719163, Op.READ, "initial snapshot"),
                // The JDK's parse error quotes the text it could not parse.
                Arguments.of("unreadable timestamptz", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build(),
                        "timestamp with time zone", "+12345-99-99T99:00:00Z", Op.CREATE, "DateTimeParseException"),
                Arguments.of("numeric interval", SchemaBuilder.int64().name("io.debezium.time.MicroDuration").optional().build(),
                        "interval", 2_592_000_000_000L, Op.CREATE, "interval.handling.mode=string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRefusedValueNamesWhereAndWhatToDoButNeverTheValue(String label, Schema valueSchema, String columnType, Object value, Op op,
                                                           String whatToDo) {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("v", valueSchema).build();
        Struct image = new Struct(row).put("id", 42L).put("v", value);
        ChangeEvent event = new ChangeEvent(new KafkaPosition("warp-x.changes", 0, 1234), op, new TableName("public", "orders"),
                List.of("id"), row, op == Op.CREATE || op == Op.READ ? null : image, image,
                new SourcePosition(0x16B3748L, -1, 771, 0), op == Op.READ ? "true" : "false", op == Op.READ ? -1 : 771, 1);
        TargetTable table = new TargetTable(T, Map.of("id", new TargetColumn("id", "bigint", "bigint", 'N', null, false, false, true, 0),
                "v", new TargetColumn("v", columnType, columnType, 'X', null, false, false, false, 0)), List.of("id"),
                CitusPlacement.NOT_CITUS_TABLE);

        ApplyException e = assertThrows(ApplyException.class,
                () -> new RowEncoder(new PgText(PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER, false)).encode(event, image, table));
        String m = e.getMessage();
        assertFalse(e.isTransient());
        assertTrue(m.contains("public.orders") && m.contains("sales.orders"), "names the source and target table: " + m);
        assertTrue(m.contains("\"v\""), "names the column: " + m);
        assertTrue(m.contains(columnType), "names the type: " + m);
        assertTrue(m.contains("LSN 0/16B3748") && m.contains("warp-x.changes-0@1234"), "names the source and Kafka position: " + m);
        assertTrue(m.contains(whatToDo), "says what to do: " + m);
        assertFalse(m.contains(String.valueOf(value)), "never the value: " + m);
        assertNull(e.getCause(), "no cause that could quote the value");
    }

    @Test
    void aWrittenValueIsItsText() {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct image = new Struct(row).put("id", 42L).put("v", "x");
        ChangeEvent event = new ChangeEvent(new KafkaPosition("t", 0, 1), Op.CREATE, T, List.of("id"), row, null, image,
                new SourcePosition(1, -1, 7, 0), "false", 7, 1);
        TargetTable table = new TargetTable(T, Map.of("id", new TargetColumn("id", "bigint", "bigint", 'N', null, false, false, true, 0),
                "v", new TargetColumn("v", "text", "text", 'S', null, false, false, false, 0)), List.of("id"),
                CitusPlacement.NOT_CITUS_TABLE);
        EncodedRow encoded = new RowEncoder(new PgText(PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER, false)).encode(event, image, table);
        assertEquals(List.of("id", "v"), encoded.columns());
        assertEquals("x", encoded.value("v"));
    }
}
