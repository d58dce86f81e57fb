package io.citus.warp.sink.value;

import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.value.type.UnsupportedValueException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the value types' tests share: the encoder as the sink builds it, schemas, target columns, refusals. */
final class Values {
    static final PgText TEXT = new PgText(PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER, false);
    static final PgText TIMETZ_AS_UTC = new PgText(PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER, true);

    private Values() {
    }

    /** A Connect schema of {@code type} carrying the logical or Debezium semantic {@code name}. */
    static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).build();
    }

    /** A target column of a type as format_type() writes it; {@code text[]} is an array, {@code int[][]} two-dimensional. */
    static TargetColumn column(String type) {
        int dimensions = 0;
        String element = type;
        while (element.endsWith("[]")) {
            dimensions++;
            element = element.substring(0, element.length() - 2);
        }
        return new TargetColumn("c", type, type, dimensions > 0 ? 'A' : 'X', dimensions > 0 ? element : null, false, false, false,
                dimensions);
    }

    static String text(Schema schema, Object value, String columnType) {
        return TEXT.encode(schema, value, columnType == null ? null : column(columnType));
    }

    /**
     * The one refusal policy, as far as a value type goes: it refuses with a reason and what to do, and never with
     * the value, which must not reach a log line or a task trace.
     */
    static void assertRefused(PgText text, Schema schema, Object value, String columnType, String... valueForms) {
        UnsupportedValueException e = assertThrows(UnsupportedValueException.class,
                () -> text.encode(schema, value, columnType == null ? null : column(columnType)));
        String message = e.getMessage();
        assertTrue(message != null && message.length() > 40, "a reason: " + message);
        assertFalse(message.contains(String.valueOf(value)), "the value is not in the message: " + message);
        for (String form : valueForms) {
            assertFalse(message.contains(form), "'" + form + "' is not in the message: " + message);
        }
    }
}
