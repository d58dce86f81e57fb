package io.citus.warp.preflight;

import io.citus.warp.schema.TableDefinition;
import io.citus.warp.schema.TableDefinition.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares a source table's columns with the target's, column by column: missing columns and
 * incompatible types are blockers, widening types and extra nullable columns are warnings.
 */
public final class ColumnDiff {
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");
    private static final Set<String> TEXTUAL = Set.of("text", "character varying");

    private ColumnDiff() {
    }

    public static List<Finding> compare(TableDefinition source, TableDefinition target) {
        List<Finding> out = new ArrayList<>();
        String check = "columns " + source.name();
        for (Column s : source.columns()) {
            Column t = target.column(s.name());
            if (t == null) {
                out.add(Finding.blocker("target", check, "column " + s.name() + " (" + s.type() + ") is missing on the target"));
                continue;
            }
            switch (compatibility(s.type(), t.type())) {
                case SAME -> { }
                case WIDER -> out.add(Finding.warn("target", check, "column " + s.name() + ": source " + s.type()
                        + ", target " + t.type() + " (wider: values fit, but the tables differ)"));
                case INCOMPATIBLE -> out.add(Finding.blocker("target", check, "column " + s.name() + ": source " + s.type()
                        + ", target " + t.type() + " (incompatible types)"));
            }
            if (t.generatedExpr() != null && s.generatedExpr() == null) {
                out.add(Finding.blocker("target", check, "column " + s.name() + " is generated on the target but not on the source"));
            }
        }
        for (Column t : target.columns()) {
            if (source.column(t.name()) == null) {
                boolean fillable = !t.notNull() || t.defaultExpr() != null || t.serial() || t.identity() != 0 || t.generatedExpr() != null;
                out.add(fillable
                        ? Finding.warn("target", check, "extra target column " + t.name() + " (" + t.type() + ") will be left to its default")
                        : Finding.blocker("target", check, "extra target column " + t.name() + " is NOT NULL without a default: inserts will fail"));
            }
        }
        if (out.isEmpty()) {
            out.add(Finding.ok("target", check, source.columns().size() + " columns match"));
        }
        return out;
    }

    public enum Compatibility { SAME, WIDER, INCOMPATIBLE }

    /** Whether every value of the source type is stored unchanged in the target type. */
    public static Compatibility compatibility(String source, String target) {
        if (source.equals(target)) {
            return Compatibility.SAME;
        }
        int si = INTEGERS.indexOf(source);
        int ti = INTEGERS.indexOf(target);
        if (si >= 0 && ti >= 0) {
            return ti > si ? Compatibility.WIDER : Compatibility.INCOMPATIBLE;
        }
        if (si >= 0 && target.equals("numeric")) {
            return Compatibility.WIDER;
        }
        Matcher sv = VARCHAR.matcher(source);
        Matcher tv = VARCHAR.matcher(target);
        if (sv.matches() && (target.equals("text") || target.equals("character varying")
                || (tv.matches() && Integer.parseInt(tv.group(1)) >= Integer.parseInt(sv.group(1))))) {
            return Compatibility.WIDER;
        }
        if (TEXTUAL.contains(source) && TEXTUAL.contains(target)) {
            return Compatibility.WIDER;
        }
        Matcher sn = NUMERIC.matcher(source);
        Matcher tn = NUMERIC.matcher(target);
        if (sn.matches() && target.equals("numeric")) {
            return Compatibility.WIDER;
        }
        if (sn.matches() && tn.matches()) {
            int sp = Integer.parseInt(sn.group(1));
            int ss = Integer.parseInt(sn.group(2));
            int tp = Integer.parseInt(tn.group(1));
            int ts = Integer.parseInt(tn.group(2));
            return ts >= ss && tp - ts >= sp - ss ? Compatibility.WIDER : Compatibility.INCOMPATIBLE;
        }
        if (source.equals("real") && target.equals("double precision")) {
            return Compatibility.WIDER;
        }
        if (source.equals("json") && target.equals("jsonb")) {
            return Compatibility.WIDER;
        }
        return Compatibility.INCOMPATIBLE;
    }
}
