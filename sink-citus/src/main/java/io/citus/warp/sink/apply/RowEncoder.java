package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.target.TargetColumn;
import io.citus.warp.sink.target.TargetTable;
import io.citus.warp.sink.value.PgText;
import io.citus.warp.sink.value.UnsupportedValueException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Encodes event row images for a target table, checking that every column the source sends exists there. */
public final class RowEncoder {
    private final PgText text;

    public RowEncoder(PgText text) {
        this.text = text;
    }

    public EncodedRow encode(ChangeEvent event, Struct image, TargetTable table) {
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        Set<String> unavailable = new LinkedHashSet<>();
        for (Field field : image.schema().fields()) {
            TargetColumn column = column(event, table, field.name());
            if (column.generated()) {
                continue;
            }
            Object value = image.get(field);
            if (text.isUnavailable(value)) {
                unavailable.add(field.name());
                continue;
            }
            values.put(field.name(), encode(event, table, column, field, value));
        }
        return new EncodedRow(values, unavailable);
    }

    /** The source key's values in text form, from the after image (inserts, updates) or the before image (deletes). */
    public List<String> key(ChangeEvent event, TargetTable table) {
        if (event.keyColumns().isEmpty()) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the source table has no primary key, so its "
                    + "rows cannot be matched on the target. Add a primary key to " + event.table() + " on the source "
                    + "(Warp requires one for every migrated table), then re-snapshot it.", null);
        }
        Struct image = event.after() != null ? event.after() : event.before();
        List<String> key = new ArrayList<>(event.keyColumns().size());
        for (String name : event.keyColumns()) {
            Field field = image.schema().field(name);
            if (field == null) {
                throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": key column \"" + name
                        + "\" is missing from the row image", null);
            }
            key.add(encode(event, table, column(event, table, name), field, image.get(field)));
        }
        return key;
    }

    /** The value of one column of a row image, or null when the image lacks the column. */
    public String valueOf(ChangeEvent event, Struct image, TargetTable table, String columnName) {
        if (image == null) {
            return null;
        }
        Field field = image.schema().field(columnName);
        if (field == null) {
            return null;
        }
        Object value = image.get(field);
        if (value == null || text.isUnavailable(value)) {
            return null;
        }
        return encode(event, table, column(event, table, columnName), field, value);
    }

    private TargetColumn column(ChangeEvent event, TargetTable table, String name) {
        TargetColumn column = table.column(name);
        if (column == null) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": target table " + table.id()
                    + " has no column \"" + name + "\", which the source sends. Add the column to the target table with "
                    + "the source's type (warp check shows the differences), then restart the sink task; it resumes at "
                    + "this transaction (source txid " + event.source().txId() + ").", null);
        }
        return column;
    }

    private String encode(ChangeEvent event, TargetTable table, TargetColumn column, Field field, Object value) {
        try {
            return text.encode(field.schema(), value, column);
        } catch (UnsupportedValueException | ClassCastException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the value of column \"" + column.name()
                    + "\" (target type " + column.type() + ", Connect schema " + describe(field) + ") cannot be written exactly: "
                    + e.getMessage() + ". Nothing of this transaction was applied.", e);
        }
    }

    private static String describe(Field field) {
        return field.schema().type() + (field.schema().name() == null ? "" : " " + field.schema().name());
    }
}
