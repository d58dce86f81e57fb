package io.citus.warp.sink.value.type;

import io.citus.warp.sink.catalog.TargetColumn;
import org.apache.kafka.connect.data.Schema;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Debezium's ZonedTimestamp (timestamp with time zone): ISO-8601 with an offset, which PostgreSQL reads as it is;
 * rewritten only where it would not (a year before 1 AD or after 9999).
 */
public final class ZonedTimestampType implements ValueType {
    @Override
    public List<String> registrationKeys() {
        return List.of("io.debezium.time.ZonedTimestamp");
    }

    @Override
    public String text(Schema schema, Object value, TargetColumn column) {
        String iso = (String) value;
        if (iso.equals("infinity") || iso.equals("-infinity") || iso.isEmpty()
                || !(Character.isDigit(iso.charAt(0)) || iso.charAt(0) == '-' || iso.charAt(0) == '+')) {
            return iso; // infinity, -infinity
        }
        if (Character.isDigit(iso.charAt(0)) && iso.indexOf('T') == 10) {
            return iso;
        }
        OffsetDateTime t = OffsetDateTime.parse(iso);
        if (t.getYear() > 294276 || t.getYear() < -4713) {
            throw new UnsupportedValueException("the timestamp with time zone is outside PostgreSQL's range: this is how "
                    + "Debezium encodes 'infinity' and '-infinity' inside timestamptz arrays, which it cannot carry exactly. "
                    + "Replace them on the source, or change the column to text[] on both sides");
        }
        return TextForms.withEra(t.getYear(), String.format("-%02d-%02d %02d:%02d:%02d%s%s", t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), TextForms.fraction(t.getNano() / 1000),
                t.getOffset().getId().equals("Z") ? "+00" : t.getOffset().getId()));
    }

    /** A BC year ("-0043-...") or an ISO date before 1582-10-15 (four-digit years compare as text; "+10000-..." is later). */
    @Override
    public boolean alteredInArrays(Object value) {
        String s = (String) value;
        return !s.endsWith("infinity") && (s.startsWith("-") || (!s.startsWith("+") && s.compareTo("1582-10-15") < 0));
    }
}
