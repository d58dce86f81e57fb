package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureMessage;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.catalog.TargetTable;
import io.citus.warp.sink.value.PgText;
import io.citus.warp.sink.value.type.DateType;
import io.citus.warp.sink.value.type.UnsupportedValueException;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Encodes event row images for a target table, checking that every column the source sends exists there. */
public final class RowEncoder {
    private final PgText text;
    /** The last row schema per table found to carry every column of the target table (as read from the catalog then). */
    private final java.util.Map<io.citus.warp.common.TableName, Checked> checkedSchemas = new java.util.HashMap<>();

    /** A row schema checked against one reading of the target table (a schema change reads the table anew). */
    private record Checked(TargetTable table, org.apache.kafka.connect.data.Schema schema) {
    }

    /** Source tables without a primary key that the user allowed (keyless.tables). */
    private final Set<io.citus.warp.common.TableName> keylessAllowed;

    public RowEncoder(PgText text) {
        this(text, Set.of());
    }

    public RowEncoder(PgText text, Set<io.citus.warp.common.TableName> keylessAllowed) {
        this(text, keylessAllowed, java.util.Map.of());
    }

    /** @param identityIndexes tables with REPLICA IDENTITY USING INDEX, with the index's columns (replica.identity.index) */
    public RowEncoder(PgText text, Set<io.citus.warp.common.TableName> keylessAllowed,
                      java.util.Map<io.citus.warp.common.TableName, List<String>> identityIndexes) {
        this.text = text;
        this.keylessAllowed = Set.copyOf(keylessAllowed);
        this.identityIndexes = java.util.Map.copyOf(identityIndexes);
    }

    private final java.util.Map<io.citus.warp.common.TableName, List<String>> identityIndexes;

    /** The replica identity index columns of the event's source table, or null when it is identified by its key. */
    public List<String> identityIndex(ChangeEvent event) {
        return identityIndexes.get(event.table());
    }

    /** A change of a table without a source primary key that the user allowed to be copied (keyless.tables). */
    public boolean isAllowedKeyless(ChangeEvent event) {
        return event.keyColumns().isEmpty() && keylessAllowed.contains(event.table());
    }

    /**
     * Tables without a primary key are refused before any of their rows is written, unless listed in
     * keyless.tables: without a key a replayed or updated row cannot be matched reliably.
     */
    private void checkKey(ChangeEvent event) {
        if (event.keyColumns().isEmpty() && !keylessAllowed.contains(event.table())) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the source table " + event.table()
                    + " has no primary key, so its rows cannot be matched on the target. Add a primary key to it on the "
                    + "source (recommended; Warp requires one for every migrated table by default), or set REPLICA IDENTITY "
                    + "FULL on the source table and list it in the sink's keyless.tables setting (rows are then matched by "
                    + "their whole old image), then restart the sink task. Nothing of this table was applied.", null);
        }
    }

    public EncodedRow encode(ChangeEvent event, Struct image, TargetTable table) {
        checkKey(event);
        checkSourceSendsEveryColumn(event, image, table);
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        Set<String> unavailable = new LinkedHashSet<>();
        for (Field field : image.schema().fields()) {
            TargetColumn column = column(event, table, field.name());
            if (column.generated()) {
                continue;
            }
            Object value = valueOf(image, field);
            if (text.isUnavailable(value)) {
                unavailable.add(field.name());
                continue;
            }
            values.put(field.name(), encode(event, table, column, field, value));
        }
        return new EncodedRow(values, unavailable);
    }

    /**
     * Debezium leaves out columns whose type it has no converter for (money[], interval[], varbit[], xml[],
     * point[] and other arrays of such types), with only a warning in the source's log. Writing the row
     * anyway would silently leave such a column NULL (or at its default) on the target, so refuse it.
     * The check is per row schema, so it costs one lookup per distinct schema.
     */
    private void checkSourceSendsEveryColumn(ChangeEvent event, Struct image, TargetTable table) {
        Checked checked = checkedSchemas.get(table.id());
        if (image == null || (checked != null && checked.table() == table && checked.schema() == image.schema())) {
            return;
        }
        for (TargetColumn column : table.columns().values()) {
            if (!column.generated() && image.schema().field(column.name()) == null) {
                throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the source sends no value for column \""
                        + column.name() + "\" of type " + column.type() + " on target table " + table.id() + ". Debezium "
                        + "drops columns whose type it cannot convert (arrays of money, interval, bit varying, xml, point, "
                        + "name and similar), so the column would silently stay NULL on the target. Change the column to a "
                        + "type Debezium carries on both sides (e.g. text[] or jsonb), or leave it out of the target table "
                        + "and the migration (docs/type-fidelity.md).", null);
            }
        }
        checkedSchemas.put(table.id(), new Checked(table, image.schema()));
    }

    /** The source key's values in text form, from the after image (inserts, updates) or the before image (deletes). */
    public List<String> key(ChangeEvent event, TargetTable table) {
        checkKey(event);
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
            key.add(encode(event, table, column(event, table, name), field, valueOf(image, field)));
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
        Object value = valueOf(image, field);
        if (value == null || text.isUnavailable(value)) {
            return null;
        }
        return encode(event, table, column(event, table, columnName), field, value);
    }

    /**
     * The field's value as the source sent it. Debezium puts a column's constant DEFAULT into the schema, and
     * {@code Struct.get} answers that default for a field holding null: an explicit NULL would be written as the default.
     */
    private static Object valueOf(Struct image, Field field) {
        return image.getWithoutDefault(field.name());
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

    /** The value's text; a value that cannot be written exactly is refused by the one refusal policy (never quoting it). */
    private String encode(ChangeEvent event, TargetTable table, TargetColumn column, Field field, Object value) {
        String reason;
        if (event.isSnapshotRead() && DateType.NAME.equals(field.schema().name()) && value instanceof Number n
                && n.intValue() < DateType.GREGORIAN_START_DAY) {
            // Debezium's snapshot reads dates as java.sql.Date and drops the BC era: 0001-01-01 BC arrives as 0001-01-01.
            reason = "it is a date before 1582-10-15 read by Debezium's initial snapshot, which drops the BC era of such dates. "
                    + "Copy this table's initial data another way (streamed changes carry such dates exactly)";
        } else {
            try {
                return text.encode(field.schema(), value, column);
            } catch (UnsupportedValueException e) {
                reason = e.getMessage();
            } catch (ClassCastException | IllegalArgumentException | DateTimeException e) {
                // The JDK's message would quote the value: only what kind of failure it was.
                reason = "it is not a " + describe(field) + " value as the sink reads one (" + e.getClass().getSimpleName()
                        + "). Check the source connector's settings against connectors/config/source-postgres.json";
            }
        }
        throw new ApplyException(ErrorKind.PERMANENT, FailureMessage.valueRefused(event, table.id(), column.name(), column.type(),
                describe(field), reason), null);
    }

    private static String describe(Field field) {
        return field.schema().type() + (field.schema().name() == null ? "" : " " + field.schema().name());
    }
}
