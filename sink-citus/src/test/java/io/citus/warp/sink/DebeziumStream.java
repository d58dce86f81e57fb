package io.citus.warp.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A change stream as Debezium's PostgreSQL connector writes it into the sink's one topic (transaction markers routed in):
 * BEGIN, the changes with their transaction block, END with the change count. Records are added at given offsets.
 */
public final class DebeziumStream {
    public static final String TOPIC = "warp.changes";

    private static final Schema KEY = SchemaBuilder.struct().name("warp.public.orders.Key").field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("warp.public.orders.Value").optional()
            .field("id", Schema.INT64_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
    /** Debezium PostgreSQL's source block, as much of it as the sink reads. */
    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("ts_ms", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA).build();
    /** The transaction block of a change (provide.transaction.metadata=true). */
    public static final Schema TX = SchemaBuilder.struct().name("event.block").optional()
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("warp.public.orders.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("transaction", TX)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    /** Key and value of a BEGIN or END record. */
    public static final Schema MARKER_KEY = SchemaBuilder.struct()
            .name("io.debezium.connector.common.TransactionMetadataKey").field("id", Schema.STRING_SCHEMA).build();
    public static final Schema MARKER = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();

    private final TreeMap<Long, SinkRecord> records = new TreeMap<>();
    private long previousCommitLsn = -1;

    /**
     * One source transaction of {@code changes} inserts, committed at {@code commitLsn}, from {@code offset} on (BEGIN,
     * the inserts, END: changes + 2 records).
     */
    public DebeziumStream transaction(long txId, long commitLsn, int changes, long offset) {
        long o = offset;
        records.put(o, marker(txId, commitLsn, "BEGIN", null, o));
        for (int i = 0; i < changes; i++) {
            long lsn = commitLsn - 10 + i;
            o++;
            Struct envelope = new Struct(ENVELOPE)
                    .put("after", new Struct(ROW).put("id", txId * 100 + i).put("note", "n"))
                    .put("source", new Struct(SOURCE).put("ts_ms", 1_700_000_000_000L).put("snapshot", "false")
                            .put("schema", "public").put("table", "orders").put("txId", txId).put("lsn", lsn)
                            .put("sequence", "[\"" + previousCommitLsn + "\",\"" + lsn + "\"]"))
                    .put("transaction", new Struct(TX).put("id", txId + ":" + lsn).put("total_order", (long) i + 1)
                            .put("data_collection_order", (long) i + 1))
                    .put("op", "c");
            records.put(o, new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", txId * 100 + i), ENVELOPE, envelope, o));
        }
        records.put(o + 1, marker(txId, commitLsn, "END", (long) changes, o + 1));
        previousCommitLsn = commitLsn;
        return this;
    }

    private static SinkRecord marker(long txId, long lsn, String status, Long count, long offset) {
        Struct value = new Struct(MARKER).put("status", status).put("id", txId + ":" + lsn).put("event_count", count)
                .put("ts_ms", 1_700_000_000_000L);
        return new SinkRecord(TOPIC, 0, MARKER_KEY, new Struct(MARKER_KEY).put("id", txId + ":" + lsn), MARKER, value, offset);
    }

    /** The records at offsets {@code from} to {@code to}, inclusive, as one poll delivers them. */
    public List<SinkRecord> poll(long from, long to) {
        return new ArrayList<>(records.subMap(from, true, to, true).values());
    }
}
