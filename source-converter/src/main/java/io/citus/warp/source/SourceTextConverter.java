package io.citus.warp.source;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.util.HStoreConverter;
import org.postgresql.util.PGobject;

import java.sql.Array;
import java.util.Map;
import java.util.Properties;

/**
 * A Debezium custom converter ({@code converters=sourcetext}, {@code sourcetext.type=} this class) for the columns
 * {@link SourceText#carries} names: it hands on the text PostgreSQL produced for the value, unchanged, as a STRING
 * named {@link SourceText#SCHEMA_NAME}.
 *
 * <p>What Debezium 3.6 gives a custom converter for such a column (read in its source, and exercised by the
 * end-to-end tests): while streaming from pgoutput, a {@code String} with the value's text for enums and for types
 * it does not know (with {@code include.unknown.datatypes=true}), or a PgJDBC {@code PgArray} built from the array's
 * text, whose {@code toString()} is that text; in a snapshot, what PgJDBC's {@code getObject}/{@code getArray} return
 * for a text-format result: a {@code String}, a {@code PGobject} holding the text, a {@code PgArray} over the text
 * (PgJDBC asks for binary results only for built-in types), or for hstore a {@code Map} of its pairs. An unchanged TOASTed value arrives as one of Debezium's
 * marker objects (plain {@code Object}s); it becomes Debezium's placeholder, which the sink recognises and leaves
 * alone. Anything else is refused, so that a value is never carried as something else's text.
 *
 * <p>Stateless per value, so restarts and re-sends produce the same event.
 */
public final class SourceTextConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    /** Must equal the source connector's {@code unavailable.value.placeholder} (and the sink's). */
    public static final String PLACEHOLDER_SETTING = "unavailable.value.placeholder";

    private String placeholder = SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER;

    @Override
    public void configure(Properties props) {
        placeholder = props.getProperty(PLACEHOLDER_SETTING, SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER);
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!SourceText.carries(Integer.toUnsignedLong(column.nativeType()))) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string().name(SourceText.SCHEMA_NAME);
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, value -> text(value, column));
    }

    /** The source's text for {@code value}, the placeholder for an unchanged TOASTed value, or null. */
    String text(Object value, RelationalColumn column) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value.getClass() == Object.class) {
            return placeholder;
        }
        if (value instanceof PGobject o) {
            return o.getValue();
        }
        if (value instanceof Array a) {
            return a.toString();
        }
        if (value instanceof Map<?, ?> pairs) {
            // hstore in a snapshot: PgJDBC's getObject parses it into a Map (unique keys, NULL values kept). hstore is
            // a set of pairs, so writing them back in its input syntax, as PgJDBC does, is the same value.
            return HStoreConverter.toString(pairs);
        }
        throw new IllegalArgumentException("column " + column.dataCollection() + "." + column.name() + " of type "
                + column.typeName() + ": Debezium handed the converter a " + value.getClass().getName()
                + ", not the value's text; refusing to guess its text form");
    }
}
