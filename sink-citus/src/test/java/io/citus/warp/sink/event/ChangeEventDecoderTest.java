package io.citus.warp.sink.event;

import io.citus.warp.common.TableName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.citus.warp.sink.DebeziumStream.MARKER;
import static io.citus.warp.sink.DebeziumStream.MARKER_KEY;
import static io.citus.warp.sink.DebeziumStream.SOURCE;
import static io.citus.warp.sink.DebeziumStream.TX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debezium envelopes (shaped as the PostgreSQL connector 3.6 writes them) become sink elements. */
@Tag("unit")
class ChangeEventDecoderTest {
    private static final Schema KEY = SchemaBuilder.struct().name("p.public.orders.Key")
            .field("tenant_id", Schema.INT32_SCHEMA).field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("p.public.orders.Value").optional()
            .field("tenant_id", Schema.INT32_SCHEMA).field("id", Schema.INT64_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("p.public.orders.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("transaction", TX)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final ChangeEventDecoder decoder = new ChangeEventDecoder();

    @Test
    void anUpdateCarriesTableKeyImagesAndSourcePosition() {
        Struct envelope = new Struct(ENVELOPE)
                .put("after", row(7, 42, "moved"))
                .put("source", source("false", 801, 23_456_789L, "[\"23450000\",\"23456789\"]"))
                .put("transaction", new Struct(TX).put("id", "801:23456789").put("total_order", 3L).put("data_collection_order", 2L))
                .put("op", "u");
        ChangeEvent event = assertInstanceOf(ChangeEvent.class, decoder.decode(record(KEY, new Struct(KEY).put("tenant_id", 7).put("id", 42L),
                envelope, 15)));
        assertEquals(Op.UPDATE, event.op());
        assertEquals(new TableName("public", "orders"), event.table());
        assertEquals(List.of("tenant_id", "id"), event.keyColumns());
        assertEquals("moved", event.after().getString("note"));
        assertEquals(null, event.before());
        assertEquals(801, event.txId());
        assertEquals(3, event.totalOrder());
        assertEquals(23_456_789L, event.source().lsn());
        assertEquals(23_450_000L, event.source().previousCommitLsn());
        assertEquals(new KafkaPosition("p.changes", 0, 15), event.kafka(), "original topic/partition/offset");
    }

    @Test
    void aSnapshotReadHasNoTransactionAndAMissingPreviousCommitIsUnknown() {
        Struct envelope = new Struct(ENVELOPE)
                .put("after", row(1, 1, null))
                .put("source", source("last_in_data_collection", 700, 1_000L, "[null,\"1000\"]"))
                .put("op", "r");
        ChangeEvent event = (ChangeEvent) decoder.decode(record(KEY, new Struct(KEY).put("tenant_id", 1).put("id", 1L), envelope, 0));
        assertTrue(event.isSnapshotRead());
        assertTrue(event.endsTableSnapshot());
        assertEquals(-1, event.txId());
        assertEquals(-1, event.source().previousCommitLsn());
    }

    @Test
    void transactionMarkersCarryTxidCommitLsnAndCount() {
        Struct end = new Struct(MARKER).put("status", "END").put("id", "801:23460000").put("event_count", 4L).put("ts_ms", 5L);
        TransactionMarker marker = assertInstanceOf(TransactionMarker.class,
                decoder.decode(record(MARKER_KEY, new Struct(MARKER_KEY).put("id", "801:23460000"), end, 16)));
        assertEquals(false, marker.begin());
        assertEquals(801, marker.txId());
        assertEquals(23_460_000L, marker.lsn());
        assertEquals(4, marker.eventCount());
    }

    /** As Debezium 3.6 writes pg_logical_emit_message(): op m, source and transaction blocks, no row images. */
    private static final Schema MESSAGE_KEY = SchemaBuilder.struct().name("io.debezium.connector.postgresql.MessageKey")
            .field("prefix", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema MESSAGE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.MessageValue")
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).field("source", SOURCE)
            .field("transaction", TX)
            .field("message", SchemaBuilder.struct().field("prefix", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("content", Schema.OPTIONAL_BYTES_SCHEMA).build()).build();

    @Test
    void logicalDecodingMessagesAreRecognisedWithTheirTransaction() {
        Struct body = new Struct(MESSAGE.field("message").schema()).put("prefix", "outbox").put("content", new byte[] {1});
        Struct transactional = new Struct(MESSAGE).put("op", "m").put("source", new Struct(SOURCE).put("ts_ms", 1L)
                        .put("schema", "").put("table", "").put("txId", 743L).put("lsn", 5L))
                .put("transaction", new Struct(TX).put("id", "743:5").put("total_order", 2L).put("data_collection_order", 1L))
                .put("message", body);
        LogicalMessage message = assertInstanceOf(LogicalMessage.class,
                decoder.decode(record(MESSAGE_KEY, new Struct(MESSAGE_KEY).put("prefix", "outbox"), transactional, 20)));
        assertEquals(743, message.txId());
        assertEquals("outbox", message.prefix());
        Struct alone = new Struct(MESSAGE).put("op", "m").put("source", new Struct(SOURCE).put("ts_ms", 1L)
                .put("schema", "").put("table", "").put("lsn", 6L)).put("message", body);
        LogicalMessage nonTransactional = assertInstanceOf(LogicalMessage.class,
                decoder.decode(record(MESSAGE_KEY, new Struct(MESSAGE_KEY).put("prefix", "outbox"), alone, 21)));
        assertEquals(-1, nonTransactional.txId());
    }

    /** The capture table's row as Debezium sends it (jsonb as a string). */
    private static final Schema CAPTURE_KEY = SchemaBuilder.struct().name("p.warp.ddl_capture.Key")
            .field("slot", Schema.STRING_SCHEMA).field("relid", Schema.INT64_SCHEMA).build();
    private static final Schema CAPTURE_ROW = SchemaBuilder.struct().name("p.warp.ddl_capture.Value").optional()
            .field("slot", Schema.STRING_SCHEMA).field("relid", Schema.INT64_SCHEMA)
            .field("definition", Schema.OPTIONAL_STRING_SCHEMA).field("change", Schema.STRING_SCHEMA).build();
    private static final Schema CAPTURE = SchemaBuilder.struct().name("p.warp.ddl_capture.Envelope")
            .field("before", CAPTURE_ROW).field("after", CAPTURE_ROW).field("source", SOURCE).field("transaction", TX)
            .field("op", Schema.STRING_SCHEMA).build();
    /** What the capture writes for ALTER TABLE orders ADD COLUMN color text DEFAULT 'red' (from PostgreSQL 15). */
    static final String ADD_COLOR = """
            {"seq": 1, "tag": "ALTER TABLE", "rewrite": 0,
             "before": {"name": "orders", "schema": "public", "columns": [
                 {"name": "id", "type": "bigint", "attnum": 1, "typmod": -1, "notNull": true, "typeOid": 20}],
                 "partitions": null, "primaryKey": ["id"], "persistence": "p", "replicaIdentity": "d"},
             "after": {"name": "orders", "schema": "public", "columns": [
                 {"name": "id", "type": "bigint", "attnum": 1, "typmod": -1, "notNull": true, "typeOid": 20},
                 {"name": "color", "type": "text", "attnum": 2, "typmod": -1, "default": "'red'::text", "missing": "red",
                  "notNull": false, "typeOid": 25}],
                 "partitions": null, "primaryKey": ["id"], "persistence": "p", "replicaIdentity": "d"}}""";

    private static SinkRecord captured(String op, String slot, String change, long offset) {
        Struct row = new Struct(CAPTURE_ROW).put("slot", slot).put("relid", 16384L).put("change", change);
        Struct envelope = new Struct(CAPTURE).put(op.equals("d") ? "before" : "after", row)
                .put("source", new Struct(SOURCE).put("ts_ms", 1L).put("snapshot", op.equals("r") ? "true" : "false")
                        .put("schema", "warp").put("table", "ddl_capture").put("txId", 900L).put("lsn", 77L))
                .put("transaction", op.equals("r") ? null : new Struct(TX).put("id", "900:77").put("total_order", 2L)
                        .put("data_collection_order", 1L))
                .put("op", op);
        return record(CAPTURE_KEY, new Struct(CAPTURE_KEY).put("slot", slot).put("relid", 16384L), envelope, offset);
    }

    @Test
    void captureRowsBecomeSchemaChangesOfTheirTransactionNamingTheChangedTable() {
        ChangeEventDecoder mine = new ChangeEventDecoder("warp_one");
        ChangeEvent event = assertInstanceOf(ChangeEvent.class, mine.decode(captured("u", "warp_one", ADD_COLOR, 30)));
        assertEquals(Op.SCHEMA_CHANGE, event.op());
        assertEquals(900, event.txId(), "a change of its transaction: counted in END's event_count, applied in its place");
        assertEquals(new TableName("public", "orders"), event.table());
        SchemaChange change = event.schemaChange();
        assertEquals("ALTER TABLE", change.tag());
        assertEquals(0, change.rewrite());
        assertEquals(1, change.before().columns().size());
        SourceColumn color = change.after().column(2);
        assertEquals("color", color.name());
        assertEquals("red", color.missing());
        assertEquals("'red'::text", color.defaultExpr());
        assertEquals(25, color.typeOid());
        assertTrue(event.describe().startsWith("schema change (ALTER TABLE) on public.orders at source LSN"), event.describe());

        // Another migration's change, a deleted row and one that changes nothing: counted, nothing to apply.
        ChangeEvent other = assertInstanceOf(ChangeEvent.class, mine.decode(captured("u", "warp_two", ADD_COLOR, 31)));
        assertEquals(Op.SCHEMA_CHANGE, other.op());
        assertEquals(null, other.schemaChange());
        ChangeEvent deleted = assertInstanceOf(ChangeEvent.class, mine.decode(captured("d", "warp_one", ADD_COLOR, 32)));
        assertEquals(null, deleted.schemaChange());
        String table = "{\"name\": \"orders\", \"schema\": \"public\", \"columns\": [{\"name\": \"id\", \"type\": \"bigint\","
                + " \"attnum\": 1, \"typmod\": -1, \"notNull\": true, \"typeOid\": 20}], \"primaryKey\": [\"id\"]}";
        String unchanged = "{\"seq\": 0, \"tag\": \"warp start\", \"rewrite\": 0, \"before\": " + table + ", \"after\": " + table + "}";
        assertEquals(null, assertInstanceOf(ChangeEvent.class, mine.decode(captured("u", "warp_one", unchanged, 33))).schemaChange());
        // Debezium's snapshot of the capture table only moves the position.
        assertInstanceOf(PositionOnly.class, mine.decode(captured("r", "warp_one", ADD_COLOR, 34)));
        // A row the sink cannot read stops it.
        assertThrows(MalformedEventException.class, () -> mine.decode(captured("u", "warp_one", "{\"before\": 1}", 35)));
        // Without a slot, every slot's changes apply.
        assertEquals("ALTER TABLE", new ChangeEventDecoder().decode(captured("c", "warp_two", ADD_COLOR, 36)) instanceof ChangeEvent e
                ? e.schemaChange().tag() : null);
    }

    @Test
    void tombstonesMoveThePositionOnly() {
        assertInstanceOf(PositionOnly.class, decoder.decode(record(KEY, null, null, 3)));
    }

    @Test
    void recordsWithoutSchemasAreRefusedWithTheFix() {
        SinkRecord schemaless = new SinkRecord("p.changes", 0, null, null, null, java.util.Map.of("op", "c"), 9);
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> decoder.decode(schemaless));
        assertTrue(e.getMessage().contains("schemas.enable=true"), e.getMessage());
    }

    @Test
    void anUnknownOperationIsRefused() {
        Struct envelope = new Struct(ENVELOPE).put("after", row(1, 1, null)).put("source", source("false", 1, 1L, null)).put("op", "x");
        assertThrows(MalformedEventException.class, () -> decoder.decode(record(KEY, null, envelope, 1)));
    }

    /** A failure inside decoding is permanent whatever it is, and its message quotes no value of the record. */
    @Test
    void anyDecodingFailureIsMalformedAndQuotesNoValue() {
        Struct end = new Struct(MARKER).put("status", "END").put("id", "secret42x:23460000").put("ts_ms", 5L);
        MalformedEventException e = assertThrows(MalformedEventException.class,
                () -> decoder.decode(record(MARKER_KEY, new Struct(MARKER_KEY).put("id", "secret42x:23460000"), end, 17)));
        assertTrue(e.getMessage().contains("p.changes-0@17"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret42x"), e.getMessage());
    }

    private static Struct row(int tenant, long id, String note) {
        return new Struct(ROW).put("tenant_id", tenant).put("id", id).put("note", note);
    }

    private static Struct source(String snapshot, long txId, long lsn, String sequence) {
        return new Struct(SOURCE).put("ts_ms", 1_700_000_000_000L).put("snapshot", snapshot).put("schema", "public")
                .put("table", "orders").put("txId", txId).put("lsn", lsn).put("sequence", sequence);
    }

    private static SinkRecord record(Schema keySchema, Object key, Struct value, long offset) {
        return new SinkRecord("p.changes", 0, keySchema, key, value == null ? null : value.schema(), value, offset);
    }
}
