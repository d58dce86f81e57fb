package io.citus.warp.sink.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.sink.target.TargetColumn;
import io.citus.warp.source.SourceText;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Encodes a Connect value, as Debezium produced it, into PostgreSQL's text input form for the target
 * column: the same text {@code COPY} reads and a bound parameter of unspecified type carries, so the
 * target parses it with the column type's own input function. One place decides every type, which is
 * what makes the copy exact (see docs/type-fidelity.md).
 */
public final class PgText {
    /** Debezium's default {@code unavailable.value.placeholder} for unchanged TOASTed values. */
    public static final String DEFAULT_UNAVAILABLE_PLACEHOLDER = SourceText.DEFAULT_UNAVAILABLE_PLACEHOLDER;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** PgJDBC's encodings of timestamp 'infinity' / '-infinity' (PGStatement.DATE_*_INFINITY), in microseconds. */
    static final long MICROS_POSITIVE_INFINITY = 9223372036825200000L;
    static final long MICROS_NEGATIVE_INFINITY = -9223372036832400000L;
    /** PostgreSQL's date range: 4714-11-24 BC to 5874897-12-31, as days since 1970-01-01. */
    private static final long MIN_EPOCH_DAY = -2_440_588;
    private static final long MAX_EPOCH_DAY = 2_145_031_948;

    private static final java.util.regex.Pattern JAVA_ARRAY_TO_STRING = java.util.regex.Pattern.compile("\\[+L[\\w.$]+;@[0-9a-f]+");
    /** 1582-10-15, the first Gregorian day, as days since 1970-01-01. */
    public static final int GREGORIAN_START_DAY = -141427;
    private static final String OLD_DATES_IN_ARRAYS = "Debezium converts date, timestamp and timestamptz array elements "
            + "through java.sql types, which use the Julian calendar before 1582-10-15 and drop the BC era (e.g. "
            + "'4713-01-01 00:00:00 BC' arrives as '4714-11-24 00:00:00 BC', '0001-01-01 BC' as '0001-01-01'), so such "
            + "elements cannot be written exactly";
    private static final String MULTI_DIMENSIONAL = "Debezium carries arrays as one-dimensional lists and corrupts "
            + "multi-dimensional ones (inner arrays become NULL or a Java object name), so they cannot be written exactly. "
            + "Store them as jsonb or text, or as one-dimensional arrays";

    private final String placeholder;
    private final byte[] placeholderBytes;
    private final boolean timetzAsUtc;

    public PgText(String unavailablePlaceholder, boolean timetzAsUtc) {
        this.placeholder = unavailablePlaceholder;
        this.placeholderBytes = unavailablePlaceholder.getBytes(StandardCharsets.UTF_8);
        this.timetzAsUtc = timetzAsUtc;
    }

    /**
     * True when Debezium sent its placeholder for an unchanged TOASTed value (REPLICA IDENTITY DEFAULT):
     * the real value is on the target already and must be left alone.
     */
    public boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return s.equals(placeholder);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, placeholderBytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == placeholderBytes.length && buffer.duplicate().equals(ByteBuffer.wrap(placeholderBytes));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && isUnavailable(list.get(0));
        }
        if (value instanceof Map<?, ?> map) {
            return map.size() == 1 && placeholder.equals(map.get(placeholder));
        }
        return false;
    }

    /** The text form of {@code value} for {@code column}, or null for SQL NULL. */
    public String encode(Schema schema, Object value, TargetColumn column) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            String semantic = semantic(name, schema, value, column);
            if (semantic != null) {
                return semantic;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> column != null && column.isVaryingBitString() ? varbit(column)
                    : column != null && column.isBitString() ? ((Boolean) value ? "1" : "0") : ((Boolean) value ? "t" : "f");
            case INT8, INT16, INT32, INT64 -> value.toString();
            case FLOAT32 -> floatText((Float) value);
            case FLOAT64 -> doubleText((Double) value);
            case STRING -> string((String) value, column);
            case BYTES -> bytes(toBytes(value), column);
            case ARRAY -> array(schema.valueSchema(), (List<?>) value, column);
            case MAP -> hstore((Map<?, ?>) value);
            case STRUCT -> throw new UnsupportedValueException("a value of Connect type STRUCT ("
                    + (name == null ? "unnamed" : name) + ") has no PostgreSQL text form known to the sink");
        };
    }

    private String semantic(String name, Schema schema, Object value, TargetColumn column) {
        return switch (name) {
            case "io.debezium.time.Date" -> date(((Number) value).intValue());
            case "io.debezium.time.Time" -> time(((Number) value).longValue() * 1_000L);
            case "io.debezium.time.MicroTime" -> time(((Number) value).longValue());
            case "io.debezium.time.NanoTime" -> time(Math.floorDiv(((Number) value).longValue(), 1_000L));
            case "io.debezium.time.Timestamp" -> timestamp(((Number) value).longValue() * 1_000L);
            case "io.debezium.time.MicroTimestamp" -> timestamp(((Number) value).longValue());
            case "io.debezium.time.NanoTimestamp" -> timestamp(Math.floorDiv(((Number) value).longValue(), 1_000L));
            case "io.debezium.time.ZonedTimestamp" -> zonedTimestamp((String) value);
            case "io.debezium.time.ZonedTime" -> {
                if (!timetzAsUtc) {
                    throw new UnsupportedValueException("Debezium converts time with time zone values to UTC and drops their "
                            + "offset (" + value + "), so the original value cannot be written exactly. Change the column to "
                            + "timestamptz or time on both sides, or set timetz.accept.utc=true to accept UTC-normalised values");
                }
                yield (String) value;
            }
            case "io.debezium.time.MicroDuration", "io.debezium.time.NanoDuration" -> throw new UnsupportedValueException(
                    "intervals arrive as a number of microseconds (interval.handling.mode=numeric), which counts a month "
                            + "as 30 days and cannot be written exactly; set interval.handling.mode=string on the source");
            case "org.apache.kafka.connect.data.Decimal" -> ((BigDecimal) value).toPlainString();
            case "io.debezium.data.VariableScaleDecimal" -> variableScaleDecimal((Struct) value);
            case "io.debezium.data.Bits" -> column != null && column.isVaryingBitString() ? varbit(column) : bits(toBytes(value), schema);
            case "io.debezium.data.geometry.Point" -> point((Struct) value);
            case "org.apache.kafka.connect.data.Date" -> ((java.util.Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
            case "org.apache.kafka.connect.data.Timestamp" -> timestamp(((java.util.Date) value).getTime() * 1_000L);
            case "org.apache.kafka.connect.data.Time" -> time(((java.util.Date) value).getTime() * 1_000L);
            // The source's own text (SourceTextConverter): the target column type's input function reads it as it is.
            case SourceText.SCHEMA_NAME -> (String) value;
            default -> null;
        };
    }

    private String string(String value, TargetColumn column) {
        if (column == null) {
            return value;
        }
        String type = column.baseTypeName();
        if ("hstore".equals(type) && value.startsWith("{")) {
            return hstoreFromJson(value);
        }
        if ("numeric".equals(type)) {
            // decimal.handling.mode=string spells numeric's special values as Java enum names.
            return switch (value) {
                case "NAN" -> "NaN";
                case "POSITIVE_INFINITY" -> "Infinity";
                case "NEGATIVE_INFINITY" -> "-Infinity";
                default -> value;
            };
        }
        return value;
    }

    private static String floatText(float f) {
        if (Float.isNaN(f)) {
            return "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Infinity" : "-Infinity";
        }
        return Float.toString(f);
    }

    private static String doubleText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(d);
    }

    /** bytea in hex form; bytes for any other type are the raw text of a type Debezium does not know. */
    private static String bytes(byte[] bytes, TargetColumn column) {
        if (column == null || "bytea".equals(column.baseTypeName())) {
            StringBuilder sb = new StringBuilder(2 + bytes.length * 2).append("\\x");
            for (byte b : bytes) {
                sb.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            return sb.toString();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] toBytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /**
     * Debezium sends a bit varying value as the number it spells, trimmed to whole bytes, with the
     * declared maximum length, not the value's own length: '0011' and '11' arrive alike.
     */
    private static String varbit(TargetColumn column) {
        throw new UnsupportedValueException("Debezium does not carry the length of bit varying values ('0011' and '11' "
                + "arrive alike), so they cannot be written exactly. Change the column to bit(n) or text on both sides");
    }

    /** Debezium's Bits: the bit string's value as little-endian bytes (BitSet order), length in a parameter. */
    private static String bits(byte[] bytes, Schema schema) {
        String lengthParam = schema.parameters() == null ? null : schema.parameters().get("length");
        int length = lengthParam == null ? bytes.length * 8 : Integer.parseInt(lengthParam);
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            // The last character is bit 0 of the number.
            int bit = length - 1 - i;
            int b = bit / 8 < bytes.length ? bytes[bit / 8] : 0;
            out[i] = ((b >> (bit % 8)) & 1) == 1 ? '1' : '0';
        }
        return new String(out);
    }

    private static String variableScaleDecimal(Struct struct) {
        int scale = struct.getInt32("scale");
        byte[] unscaled = toBytes(struct.get("value"));
        return new BigDecimal(new BigInteger(unscaled), scale).toPlainString();
    }

    private static String point(Struct struct) {
        return "(" + doubleText(struct.getFloat64("x")) + "," + doubleText(struct.getFloat64("y")) + ")";
    }

    /** Days since 1970-01-01 as a PostgreSQL date, years before 1 AD written with BC. */
    static String date(int epochDay) {
        if (epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) {
            throw new UnsupportedValueException("date " + epochDay + " days from 1970-01-01 is outside PostgreSQL's date range; "
                    + "this is how Debezium encodes the dates 'infinity' and '-infinity', which it cannot carry exactly");
        }
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        return withEra(d.getYear(), String.format("-%02d-%02d", d.getMonthValue(), d.getDayOfMonth()), "");
    }

    /** Microseconds since midnight; PostgreSQL's time goes up to 24:00:00 inclusive. */
    static String time(long micros) {
        if (micros < 0 || micros > MICROS_PER_DAY) {
            throw new UnsupportedValueException("time of day " + micros + " microseconds is out of range");
        }
        long seconds = micros / 1_000_000;
        return String.format("%02d:%02d:%02d%s", seconds / 3600, (seconds / 60) % 60, seconds % 60, fraction(micros % 1_000_000));
    }

    /** Microseconds since the epoch, in UTC, as a timestamp without time zone. */
    static String timestamp(long micros) {
        if (micros == MICROS_POSITIVE_INFINITY) {
            return "infinity";
        }
        if (micros == MICROS_NEGATIVE_INFINITY) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
        String rest = String.format("-%02d-%02d %02d:%02d:%02d%s", t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond(), fraction(nanos / 1000));
        return withEra(t.getYear(), rest, "");
    }

    /** ISO-8601 with offset, as Debezium writes timestamptz; rewritten only where PostgreSQL would not read it. */
    static String zonedTimestamp(String iso) {
        if (iso.equals("infinity") || iso.equals("-infinity") || iso.isEmpty()
                || !(Character.isDigit(iso.charAt(0)) || iso.charAt(0) == '-' || iso.charAt(0) == '+')) {
            return iso; // infinity, -infinity
        }
        if (Character.isDigit(iso.charAt(0)) && iso.indexOf('T') == 10) {
            return iso;
        }
        OffsetDateTime t = OffsetDateTime.parse(iso);
        if (t.getYear() > 294276 || t.getYear() < -4713) {
            throw new UnsupportedValueException("timestamp with time zone " + iso + " is outside PostgreSQL's range; this is how "
                    + "Debezium encodes 'infinity' and '-infinity' inside timestamptz arrays, which it cannot carry exactly");
        }
        String rest = String.format("-%02d-%02d %02d:%02d:%02d%s%s", t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond(), fraction(t.getNano() / 1000), t.getOffset().getId().equals("Z") ? "+00" : t.getOffset().getId());
        return withEra(t.getYear(), rest, "");
    }

    private static String withEra(int isoYear, String rest, String suffix) {
        if (isoYear > 0) {
            return String.format("%04d", isoYear) + rest + suffix;
        }
        // ISO year 0 is 1 BC, -1 is 2 BC.
        return String.format("%04d", 1 - isoYear) + rest + suffix + " BC";
    }

    private static String fraction(long micros) {
        if (micros == 0) {
            return "";
        }
        String digits = String.format("%06d", micros);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return "." + digits.substring(0, end);
    }

    private String array(Schema elementSchema, List<?> values, TargetColumn column) {
        if (column != null && column.dimensions() > 1) {
            throw new UnsupportedValueException(MULTI_DIMENSIONAL + " (the column is declared with " + column.dimensions()
                    + " dimensions)");
        }
        StringBuilder sb = new StringBuilder().append('{');
        Iterator<?> it = values.iterator();
        while (it.hasNext()) {
            Object element = it.next();
            if (element == null) {
                sb.append("NULL");
            } else if (elementSchema.type() == Schema.Type.ARRAY) {
                sb.append(array(elementSchema.valueSchema(), (List<?>) element, column));
            } else {
                if (element instanceof String s && JAVA_ARRAY_TO_STRING.matcher(s).matches()) {
                    // Debezium's string converter met a nested array and printed the Java object.
                    throw new UnsupportedValueException(MULTI_DIMENSIONAL + " (an element arrived as " + s + ")");
                }
                checkNotBeforeGregorian(elementSchema, element);
                quoteArrayElement(sb, encode(elementSchema, element, elementColumn(column)));
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append('}').toString();
    }

    /** Array elements before 1582-10-15 may have been shifted or lost their era on the way (see OLD_DATES_IN_ARRAYS). */
    private static void checkNotBeforeGregorian(Schema elementSchema, Object element) {
        String name = elementSchema.name();
        if (name == null) {
            return;
        }
        boolean old = switch (name) {
            case "io.debezium.time.Date" -> ((Number) element).intValue() < GREGORIAN_START_DAY;
            case "io.debezium.time.MicroTimestamp" -> {
                long v = ((Number) element).longValue();
                yield v != MICROS_NEGATIVE_INFINITY && v < GREGORIAN_START_DAY * MICROS_PER_DAY;
            }
            case "io.debezium.time.Timestamp" -> {
                long v = ((Number) element).longValue();
                yield v != MICROS_NEGATIVE_INFINITY / 1000 && v < GREGORIAN_START_DAY * 86_400_000L;
            }
            case "io.debezium.time.ZonedTimestamp" -> {
                String s = (String) element;
                // ISO years: "-0043-..." is BC, "+10000-..." beyond 9999; otherwise four digits compare as text.
                yield !s.endsWith("infinity") && (s.startsWith("-") || (!s.startsWith("+") && s.compareTo("1582-10-15") < 0));
            }
            default -> false;
        };
        if (old) {
            throw new UnsupportedValueException(OLD_DATES_IN_ARRAYS + " (element " + element + ")");
        }
    }

    private static TargetColumn elementColumn(TargetColumn arrayColumn) {
        if (arrayColumn == null || arrayColumn.elementType() == null) {
            return null;
        }
        String element = arrayColumn.elementType();
        return new TargetColumn(arrayColumn.name(), element, element, 'X', null, false, false, false, 0);
    }

    private static void quoteArrayElement(StringBuilder sb, String text) {
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    private static String hstore(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            quoteArrayElement(sb, String.valueOf(e.getKey()));
            sb.append("=>");
            if (e.getValue() == null) {
                sb.append("NULL");
            } else {
                quoteArrayElement(sb, String.valueOf(e.getValue()));
            }
        }
        return sb.toString();
    }

    /** hstore.handling.mode=json gives {"k":"v"}; hstore reads "k"=>"v". */
    private static String hstoreFromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            StringBuilder sb = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                quoteArrayElement(sb, e.getKey());
                sb.append("=>");
                if (e.getValue().isNull()) {
                    sb.append("NULL");
                } else {
                    quoteArrayElement(sb, e.getValue().asText());
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UnsupportedValueException("hstore value is not the JSON object hstore.handling.mode=json produces: " + e.getMessage());
        }
    }
}
