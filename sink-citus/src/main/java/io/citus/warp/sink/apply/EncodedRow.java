package io.citus.warp.sink.apply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A row image in the target's text form: the columns to write (generated columns left out) and the
 * columns whose values Debezium could not send (unchanged TOAST), which must be left as they are.
 */
public final class EncodedRow {
    private final LinkedHashMap<String, String> values;
    private final Set<String> unavailable;

    public EncodedRow(LinkedHashMap<String, String> values, Set<String> unavailable) {
        this.values = values;
        this.unavailable = unavailable.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(unavailable));
    }

    public List<String> columns() {
        return new ArrayList<>(values.keySet());
    }

    public String value(String column) {
        return values.get(column);
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    public Set<String> unavailable() {
        return unavailable;
    }

    /** Every column is known (no unchanged-TOAST placeholders). */
    public boolean isComplete() {
        return unavailable.isEmpty();
    }

    /** This (newer) image, with its unavailable columns filled from {@code older} where it has them. */
    public EncodedRow over(EncodedRow older) {
        if (unavailable.isEmpty()) {
            return this;
        }
        LinkedHashMap<String, String> merged = new LinkedHashMap<>(older.values);
        merged.putAll(values);
        Set<String> stillUnavailable = new LinkedHashSet<>();
        for (String column : unavailable) {
            if (!older.values.containsKey(column)) {
                stillUnavailable.add(column);
            }
        }
        for (String column : older.unavailable) {
            if (!values.containsKey(column)) {
                stillUnavailable.add(column);
            }
        }
        return new EncodedRow(merged, stillUnavailable);
    }

    @Override
    public String toString() {
        return values.keySet() + (unavailable.isEmpty() ? "" : " unchanged " + unavailable);
    }
}
