package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ARRAY: a one-dimensional PostgreSQL array, each element written by its own type (for the array column's element
 * type) and double-quoted. Debezium carries arrays as one-dimensional lists, so multi-dimensional ones and date or
 * timestamp elements it converted through java.sql types are refused.
 */
public final class ArrayType implements ValueType {
    private static final Pattern JAVA_ARRAY_TO_STRING = Pattern.compile("\\[+L[\\w.$]+;@[0-9a-f]+");
    private static final String MULTI_DIMENSIONAL = "Debezium carries arrays as one-dimensional lists and corrupts "
            + "multi-dimensional ones (inner arrays become NULL or a Java object name), so they cannot be written exactly. "
            + "Store them as jsonb or text, or as one-dimensional arrays";
    private static final String ALTERED_ELEMENTS = "Debezium converts date, timestamp and timestamptz array elements "
            + "through java.sql types, which use the Julian calendar before 1582-10-15 and drop the BC era (e.g. "
            + "'4713-01-01 00:00:00 BC' arrives as '4714-11-24 00:00:00 BC', '0001-01-01 BC' as '0001-01-01'), so an "
            + "element before 1582-10-15 cannot be written exactly. Change the column to text[] or jsonb on both sides, or "
            + "copy this table another way";

    private final TypeLookup types;

    /** @param types writes the elements */
    public ArrayType(TypeLookup types) {
        this.types = types;
    }

    @Override
    public List<String> registrationKeys() {
        return List.of("ARRAY");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        if (column != null && column.dimensions() > 1) {
            throw new UnsupportedValueException(MULTI_DIMENSIONAL + " (the column is declared with " + column.dimensions()
                    + " dimensions)");
        }
        Schema elementSchema = schema.valueSchema();
        ValueType elementType = types.typeOf(elementSchema);
        TargetColumn elementColumn = elementColumn(column);
        StringBuilder sb = new StringBuilder().append('{');
        Iterator<?> it = ((List<?>) value).iterator();
        while (it.hasNext()) {
            Object element = it.next();
            if (element == null) {
                sb.append("NULL");
            } else if (elementSchema.type() == Schema.Type.ARRAY) {
                sb.append(text(elementSchema, element, column));
            } else {
                if (element instanceof String s && JAVA_ARRAY_TO_STRING.matcher(s).matches()) {
                    // Debezium's string converter met a nested array and printed the Java object.
                    throw new UnsupportedValueException(MULTI_DIMENSIONAL + " (an element arrived as a Java object name)");
                }
                if (elementType.alteredInArrays(element)) {
                    throw new UnsupportedValueException(ALTERED_ELEMENTS);
                }
                TextForms.quote(sb, elementType.text(elementSchema, element, elementColumn));
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append('}').toString();
    }

    /** The array column's element type as a column of its own, or null when unknown. */
    private static TargetColumn elementColumn(TargetColumn arrayColumn) {
        if (arrayColumn == null || arrayColumn.elementType() == null) {
            return null;
        }
        String element = arrayColumn.elementType();
        return new TargetColumn(arrayColumn.name(), element, element, 'X', null, false, false, false, 0);
    }
}
