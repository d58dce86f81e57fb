package io.citus.warp.runtime;

import io.citus.warp.common.TableName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debezium's table filter, both ways: {@link #render} writes {@code table.include.list} so that each entry matches
 * exactly one table whatever its name holds, and {@link #of} reads a deployed connector's filter as Debezium 3.6
 * applies it, to tell which tables it captures.
 *
 * <p>How Debezium reads the list (read in its 3.6 code, {@code Strings.RegExSplitter} and {@code Selectors}): a
 * backslash escapes the next character, an unescaped comma separates entries, each entry is trimmed, {@code \,} becomes
 * a comma, and the entry is compiled with {@code CASE_INSENSITIVE} and must match the whole {@code schema.table}. So a
 * name is written with every character other than {@code [A-Za-z0-9_]} as {@code \x{hex}} (no comma, space, quote or
 * regex character survives to be misread), the dot between schema and table as {@code \.}, and the entry prefixed
 * {@code (?-i)}: {@code "Orders"} and {@code orders} are two tables in PostgreSQL.
 */
public final class TableIncludeList {
    public static final String INCLUDE = "table.include.list";
    public static final String EXCLUDE = "table.exclude.list";
    public static final String SCHEMA_INCLUDE = "schema.include.list";
    public static final String SCHEMA_EXCLUDE = "schema.exclude.list";

    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final List<Pattern> schemaInclude;
    private final List<Pattern> schemaExclude;

    private TableIncludeList(List<Pattern> include, List<Pattern> exclude, List<Pattern> schemaInclude, List<Pattern> schemaExclude) {
        this.include = include;
        this.exclude = exclude;
        this.schemaInclude = schemaInclude;
        this.schemaExclude = schemaExclude;
    }

    /** {@code table.include.list} capturing exactly these tables. */
    public static String render(List<TableName> tables) {
        return tables.stream().map(TableIncludeList::entry).collect(Collectors.joining(","));
    }

    /** The regular expression matching exactly {@code schema.table}, case-sensitively. */
    static String entry(TableName table) {
        return "(?-i)" + literal(table.schema()) + "\\." + literal(table.table());
    }

    private static String literal(String name) {
        StringBuilder s = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_')) {
                s.appendCodePoint(cp);
            } else {
                s.append("\\x{").append(Integer.toHexString(cp)).append('}');
            }
        });
        return s.toString();
    }

    /** The filter of a source connector config (absent lists: Debezium's defaults, every table). */
    public static TableIncludeList of(Map<String, String> sourceConfig) {
        return new TableIncludeList(patterns(sourceConfig.get(INCLUDE)), patterns(sourceConfig.get(EXCLUDE)),
                patterns(sourceConfig.get(SCHEMA_INCLUDE)), patterns(sourceConfig.get(SCHEMA_EXCLUDE)));
    }

    /** Whether Debezium captures the table's changes (it emits them rather than dropping them). */
    public boolean captures(TableName table) {
        String id = table.schema() + "." + table.table();
        if (!schemaInclude.isEmpty() && schemaInclude.stream().noneMatch(p -> p.matcher(table.schema()).matches())) {
            return false;
        }
        if (schemaExclude.stream().anyMatch(p -> p.matcher(table.schema()).matches())) {
            return false;
        }
        if (!include.isEmpty()) {
            return include.stream().anyMatch(p -> p.matcher(id).matches());
        }
        return exclude.stream().noneMatch(p -> p.matcher(id).matches());
    }

    /** Compiles a comma-separated list of regular expressions as Debezium splits and compiles it. */
    static List<Pattern> patterns(String list) {
        List<Pattern> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String entry : split(list)) {
            String trimmed = entry.trim().replace("\\,", ",");
            if (!trimmed.isEmpty()) {
                out.add(Pattern.compile(trimmed, Pattern.CASE_INSENSITIVE));
            }
        }
        return out;
    }

    /** Splits at unescaped commas; a backslash keeps the next character (and itself) in the entry. */
    private static List<String> split(String list) {
        List<String> entries = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (ch == '\\' && i + 1 < list.length()) {
                current.append(ch).append(list.charAt(++i));
            } else if (ch == ',') {
                entries.add(current.toString());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        entries.add(current.toString());
        return entries;
    }
}
