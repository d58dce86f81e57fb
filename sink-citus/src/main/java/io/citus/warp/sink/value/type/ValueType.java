package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.util.List;

/**
 * One Connect or Debezium type and how its values are written in PostgreSQL's text input form: the text {@code COPY}
 * reads and a bound parameter of unspecified type carries, so that the target parses it with the column type's own
 * input function. Registered by the names its values carry: a logical or semantic schema name
 * ({@code io.debezium.time.MicroTimestamp}), or a Connect type ({@code INT32}) for values without one.
 */
public interface ValueType {
    /** The schema names, or Connect {@code Schema.Type} names, whose values this type writes. */
    List<String> registrationKeys();

    /**
     * The text of a non-null value.
     *
     * @param column the target column, or null when none is known (an element of an array of unknown element type)
     * @throws UnsupportedValueException when the value cannot be written exactly: why, and what to do
     */
    String text(Schema schema, Object value, TargetColumn column);

    /**
     * Whether the value, as an array element, may have been altered on the way: Debezium converts date and timestamp
     * array elements through java.sql types, which use the Julian calendar before 1582-10-15 and drop the BC era.
     */
    default boolean alteredInArrays(Object value) {
        return false;
    }
}
