package io.citus.warp.sink.event;

import io.citus.warp.common.TableName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.List;

/**
 * One row change from Debezium's envelope.
 *
 * @param keyColumns  the source primary-key columns (from the record key's schema); empty for TRUNCATE
 *                    and for tables without a key
 * @param rowSchema   the schema of {@code before}/{@code after} (the table's columns as captured)
 * @param before      the old row: the key only under REPLICA IDENTITY DEFAULT (other columns are
 *                    placeholders), the whole row under REPLICA IDENTITY FULL; null for inserts
 * @param after       the new row; null for deletes and truncates
 * @param snapshot    Debezium's {@code source.snapshot} ("true", "first", "last", ..., or "false")
 * @param txId        the source transaction id for streamed changes, -1 for snapshot reads
 * @param schemaChange for {@link Op#SCHEMA_CHANGE}: the change to apply at this place, or null when there is nothing to
 *                     apply (another migration's, or the capture installed again over an unchanged table); then
 *                     {@code table} is the changed table and {@code before}/{@code after} are the capture row's images
 */
public record ChangeEvent(KafkaPosition kafka, Op op, TableName table, List<String> keyColumns, Schema rowSchema,
                          Struct before, Struct after, SourcePosition source, String snapshot, long txId,
                          long totalOrder, SchemaChange schemaChange) implements StreamElement {

    /** A row change. */
    public ChangeEvent(KafkaPosition kafka, Op op, TableName table, List<String> keyColumns, Schema rowSchema, Struct before,
                       Struct after, SourcePosition source, String snapshot, long txId, long totalOrder) {
        this(kafka, op, table, keyColumns, rowSchema, before, after, source, snapshot, txId, totalOrder, null);
    }

    public boolean isSnapshotRead() {
        return op == Op.READ;
    }

    /** True for the last snapshot row of a table ({@code last_in_data_collection}) or of the whole snapshot. */
    public boolean endsTableSnapshot() {
        return "last_in_data_collection".equals(snapshot) || "last".equals(snapshot);
    }

    /** Short description for error messages: operation, table, source position. */
    public String describe() {
        return operationName() + " on " + table + " at source " + source + " (Kafka " + kafka + ")";
    }

    public String operationName() {
        return switch (op) {
            case READ -> "snapshot row";
            case CREATE -> "INSERT";
            case UPDATE -> "UPDATE";
            case DELETE -> "DELETE";
            case TRUNCATE -> "TRUNCATE";
            case SCHEMA_CHANGE -> "schema change" + (schemaChange == null ? "" : " (" + schemaChange.tag() + ")");
        };
    }
}
