package io.citus.warp.sink.event;

import io.citus.warp.common.SchemaChangeCapture;
import io.citus.warp.common.TableName;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns Connect records of the routed Debezium stream into {@link StreamElement}s: change events
 * (full envelope), BEGIN/END transaction markers, and records that only move the position
 * (heartbeats, tombstones). Anything else is malformed and stops the sink rather than being skipped.
 *
 * <p>Rows of the source's schema-change capture table ({@link SchemaChangeCapture}) become {@link Op#SCHEMA_CHANGE}
 * events of their transaction: a change of this migration's slot carries its {@link SchemaChange}; another
 * migration's, a deleted row or one that changes nothing carries none (it still counts in its transaction). Snapshot
 * rows of that table only move the position.
 */
public final class ChangeEventDecoder {
    static final String HEARTBEAT_KEY = "io.debezium.connector.common.ServerNameKey";
    static final String HEARTBEAT_VALUE = "io.debezium.connector.common.Heartbeat";
    static final String TRANSACTION_KEY = "io.debezium.connector.common.TransactionMetadataKey";
    /** Debezium's op code for a logical decoding message ({@code pg_logical_emit_message}). */
    static final String MESSAGE_OP = "m";

    /** The slot whose captured schema changes this sink applies; empty: every slot's. */
    private final String captureSlot;

    public ChangeEventDecoder() {
        this("");
    }

    /** @param captureSlot the slot whose captured schema changes apply to this stream (empty: any) */
    public ChangeEventDecoder(String captureSlot) {
        this.captureSlot = captureSlot == null ? "" : captureSlot;
    }

    /**
     * @throws MalformedEventException for any record that cannot be decoded, whatever the cause: a
     *         decoding failure is permanent (redelivery brings the same bytes), never mistaken for a
     *         transient failure of the target that happens to coincide with it
     */
    public StreamElement decode(SinkRecord record) {
        try {
            return decodeRecord(record);
        } catch (MalformedEventException e) {
            throw e;
        } catch (RuntimeException e) {
            // The exception's own message may quote a value; name only its kind.
            throw new MalformedEventException("record at " + record.originalTopic() + "-" + record.originalKafkaPartition()
                    + "@" + record.originalKafkaOffset() + " could not be decoded as a Debezium record ("
                    + e.getClass().getName() + "). Check that the source and the sink use the same converter settings, "
                    + "then restart the sink task; it resumes at this record.", e);
        }
    }

    private StreamElement decodeRecord(SinkRecord record) {
        KafkaPosition kafka = new KafkaPosition(record.originalTopic(), record.originalKafkaPartition(),
                record.originalKafkaOffset());
        Object value = record.value();
        Schema valueSchema = record.valueSchema();
        if (value == null) {
            return new PositionOnly(kafka, "tombstone", -1);
        }
        if (!(value instanceof Struct struct) || valueSchema == null) {
            throw new MalformedEventException("record at " + kafka + " has no schema (value is a "
                    + value.getClass().getSimpleName() + "). The sink needs Debezium envelopes with schemas: use "
                    + "JsonConverter with schemas.enable=true, or Avro/Protobuf with a schema registry, for the "
                    + "source's value.converter and the sink's.");
        }
        String keySchemaName = record.keySchema() == null ? null : record.keySchema().name();
        if (HEARTBEAT_KEY.equals(keySchemaName) || HEARTBEAT_VALUE.equals(valueSchema.name())) {
            return new PositionOnly(kafka, "heartbeat", longField(struct, "ts_ms", -1));
        }
        if (TRANSACTION_KEY.equals(keySchemaName) || (valueSchema.field("status") != null && valueSchema.field("event_count") != null)) {
            return decodeMarker(kafka, struct);
        }
        if (valueSchema.field("op") != null && valueSchema.field("message") != null && MESSAGE_OP.equals(struct.getString("op"))) {
            return decodeMessage(kafka, struct);
        }
        if (valueSchema.field("op") != null && valueSchema.field("source") != null) {
            ChangeEvent change = decodeChange(kafka, record, struct);
            return SchemaChangeCapture.CAPTURE_TABLE.equals(change.table()) ? captured(change) : change;
        }
        throw new MalformedEventException("record at " + kafka + " with value schema '" + valueSchema.name()
                + "' is neither a Debezium change event nor a transaction or heartbeat record. Route only the Debezium "
                + "source's topics into the sink's topic, without transforms that unwrap the envelope.");
    }

    private static TransactionMarker decodeMarker(KafkaPosition kafka, Struct struct) {
        String status = struct.getString("status");
        String id = struct.getString("id");
        int colon = id == null ? -1 : id.indexOf(':');
        if (colon < 0) {
            throw new MalformedEventException("transaction record at " + kafka + " has id '" + id + "', expected txid:lsn");
        }
        long txId = Long.parseLong(id.substring(0, colon));
        long lsn = Lsn.parseDecimal(id.substring(colon + 1));
        Long count = struct.getInt64("event_count");
        return new TransactionMarker(kafka, "BEGIN".equals(status), txId, lsn, count == null ? -1 : count,
                longField(struct, "ts_ms", -1));
    }

    private ChangeEvent decodeChange(KafkaPosition kafka, SinkRecord record, Struct envelope) {
        String opCode = envelope.getString("op");
        Op op;
        try {
            op = Op.fromCode(opCode);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("change event at " + kafka + ": " + e.getMessage());
        }
        Struct source = envelope.getStruct("source");
        String schema = source.getString("schema");
        String table = source.getString("table");
        if (schema == null || table == null) {
            throw new MalformedEventException("change event at " + kafka + " names no schema/table in its source block");
        }
        Struct before = structOrNull(envelope, "before");
        Struct after = structOrNull(envelope, "after");
        Schema rowSchema = envelope.schema().field("after") != null ? envelope.schema().field("after").schema()
                : envelope.schema().field("before").schema();
        if ((op == Op.CREATE || op == Op.READ || op == Op.UPDATE) && after == null) {
            throw new MalformedEventException(op + " event on " + schema + "." + table + " at " + kafka + " has no 'after' row");
        }
        if (op == Op.DELETE && before == null) {
            throw new MalformedEventException("DELETE event on " + schema + "." + table + " at " + kafka + " has no 'before' row");
        }

        List<String> keyColumns = keyColumns(record.keySchema());

        long txId = -1;
        long totalOrder = -1;
        Struct transaction = transactionBlock(envelope);
        if (transaction != null) {
            txId = transactionId(transaction);
            totalOrder = transaction.getInt64("total_order");
        }
        SourcePosition position = new SourcePosition(
                longField(source, "lsn", -1),
                previousCommitLsn(source),
                longField(source, "txId", -1),
                longField(source, "ts_ms", -1));
        String snapshot = source.schema().field("snapshot") == null ? "false" : String.valueOf(source.get("snapshot"));
        return new ChangeEvent(kafka, op, new TableName(schema, table), keyColumns, rowSchema, before, after,
                position, snapshot, txId, totalOrder);
    }

    /** A row of the capture table: a schema change of this stream, one to pass over, or (snapshot) only a position. */
    private StreamElement captured(ChangeEvent row) {
        if (row.isSnapshotRead()) {
            return new PositionOnly(row.kafka(), "schema capture snapshot row", -1);
        }
        SchemaChange change = null;
        TableName table = row.table();
        if (row.after() != null && (row.op() == Op.CREATE || row.op() == Op.UPDATE)) {
            String slot = stringField(row.after(), SchemaChangeCapture.SLOT_COLUMN);
            if (captureSlot.isEmpty() || captureSlot.equals(slot)) {
                String json = stringField(row.after(), SchemaChangeCapture.CHANGE_COLUMN);
                try {
                    change = SchemaChange.parse(slot, json);
                } catch (IllegalArgumentException e) {
                    throw new MalformedEventException("schema change captured at " + row.source() + " (Kafka " + row.kafka()
                            + ") could not be read: " + e.getMessage() + ". Install the capture of the same Warp version as the "
                            + "sink (warp start), then restart the sink task.");
                }
                if (change.isNoOp()) {
                    change = null;
                } else {
                    table = (change.before() != null ? change.before() : change.after()).id();
                }
            }
        }
        return new ChangeEvent(row.kafka(), Op.SCHEMA_CHANGE, table, List.of(), row.rowSchema(), row.before(), row.after(),
                row.source(), row.snapshot(), row.txId(), row.totalOrder(), change);
    }

    private static String stringField(Struct row, String name) {
        Field f = row.schema().field(name);
        Object v = f == null ? null : row.get(f);
        if (v == null) {
            throw new MalformedEventException("schema capture row lacks column '" + name + "': the source's capture table is not "
                    + "the one this sink reads; run warp start of the same Warp version");
        }
        return v.toString();
    }

    /**
     * The key's column names, the same list for every record of a key schema: records of one table come in runs with one
     * Schema instance, so the last answer is kept instead of a new list per record.
     */
    private List<String> keyColumns(Schema keySchema) {
        KeyColumns last = lastKeyColumns;
        if (last != null && last.schema() == keySchema) {
            return last.columns();
        }
        List<String> columns = new ArrayList<>();
        if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
            for (Field f : keySchema.fields()) {
                // ByLogicalTableRouter adds a synthetic key field; it is not a column.
                if (!f.name().startsWith("__dbz__")) {
                    columns.add(f.name());
                }
            }
        }
        last = new KeyColumns(keySchema, List.copyOf(columns));
        lastKeyColumns = last;
        return last.columns();
    }

    private record KeyColumns(Schema schema, List<String> columns) {
    }

    private KeyColumns lastKeyColumns;

    /**
     * A logical decoding message. Its transaction is the {@code transaction} block's when Debezium gives one,
     * else {@code source.txId}; a message without either is non-transactional.
     */
    private static LogicalMessage decodeMessage(KafkaPosition kafka, Struct envelope) {
        Struct transaction = transactionBlock(envelope);
        long txId = transaction != null ? transactionId(transaction) : -1;
        if (txId < 0 && envelope.schema().field("source") != null && envelope.getStruct("source") != null) {
            txId = longField(envelope.getStruct("source"), "txId", -1);
        }
        String prefix = null;
        if (envelope.schema().field("message") != null && envelope.getStruct("message") != null) {
            Struct message = envelope.getStruct("message");
            prefix = message.schema().field("prefix") == null ? null : message.getString("prefix");
        }
        return new LogicalMessage(kafka, txId, prefix);
    }

    private static Struct transactionBlock(Struct envelope) {
        return envelope.schema().field("transaction") == null ? null : envelope.getStruct("transaction");
    }

    /** The transaction block's id is {@code txid:lsn}; the txid identifies the transaction. */
    private static long transactionId(Struct transaction) {
        String id = transaction.getString("id");
        int colon = id.indexOf(':');
        return Long.parseLong(colon < 0 ? id : id.substring(0, colon));
    }

    /** {@code source.sequence} is a JSON array of strings: [last commit LSN, this change's LSN]. */
    private static long previousCommitLsn(Struct source) {
        if (source.schema().field("sequence") == null) {
            return -1;
        }
        String sequence = source.getString("sequence");
        if (sequence == null || sequence.length() < 2) {
            return -1;
        }
        String first = sequence.substring(1, sequence.length() - 1).split(",", 2)[0].trim();
        if (first.startsWith("\"")) {
            first = first.substring(1, first.length() - 1);
        }
        return Lsn.parseDecimal(first);
    }

    private static Struct structOrNull(Struct envelope, String field) {
        return envelope.schema().field(field) == null ? null : envelope.getStruct(field);
    }

    private static long longField(Struct struct, String name, long absent) {
        Field field = struct.schema().field(name);
        if (field == null) {
            return absent;
        }
        Object v = struct.get(field);
        return v instanceof Number n ? n.longValue() : absent;
    }
}
