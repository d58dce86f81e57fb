package io.citus.warp.common;

import java.util.regex.Pattern;

/**
 * Removes row values from PostgreSQL and PgJDBC error messages: the server's DETAIL and CONTEXT lines quote them
 * ("Failing row contains (...)", "Key (email)=(...)", "Partition key of the failing row contains (at) = (...)", a COPY's
 * line and column value), and so do some primary messages (invalid input "...") and PgJDBC's batch errors. Column,
 * constraint and table names stay: they say what to fix. Used by the sink and by warp's base copy and commands, so
 * that no value reaches a log line, a Connect task trace, stderr or {@code --json}.
 */
public final class ValueRedaction {
    private ValueRedaction() {
    }

    private static final Pattern BATCH_ENTRY = Pattern.compile("(Batch entry \\d+) .*? (was aborted:)", Pattern.DOTALL);
    /** Server DETAIL lines, whatever they hold. */
    private static final Pattern DETAIL = Pattern.compile("(Detail: ).*?(?=\\n|\\s+(?:Hint|Where|Position|Call getNextException):|$)",
            Pattern.DOTALL);
    private static final Pattern FAILING_ROW = Pattern.compile("(Failing row contains )\\(.*\\)");
    private static final Pattern KEY = Pattern.compile("(Key \\([^)]*\\)=)\\(.*?\\)(?= already exists| is not present| is still referenced| conflicts|\\.|$)");
    private static final Pattern PARTITION_KEY = Pattern.compile("(Partition key of the failing row contains \\(.*?\\) = )\\(.*\\)");
    private static final Pattern INVALID_INPUT = Pattern.compile("(invalid input (?:syntax|value) for [^:\"]*(?:\"[^\"]*\")?[^:]*: )\"[^\"]*\"");
    private static final Pattern OUT_OF_RANGE = Pattern.compile("(value )\"[^\"]*\"( is out of range)");
    private static final Pattern MALFORMED = Pattern.compile("(malformed [a-z ]+ literal: )\"[^\"]*\"");
    /** CONTEXT of a COPY: "COPY t, line 3, column c: "value"" or "COPY t, line 3: "the whole line"". */
    private static final Pattern COPY_CONTEXT = Pattern.compile("(COPY [^\\n]*?, line \\d+(?:, column [^:\\n]*)?): .*?(?=\\n|\\s+(?:Hint|Where|Position|Call getNextException|Location|Routine|File|Line):|$)",
            Pattern.DOTALL);

    /** The text with every row value it may quote replaced by "(redacted)". */
    public static String redact(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        m = BATCH_ENTRY.matcher(m).replaceAll("$1 $2");
        m = DETAIL.matcher(m).replaceAll("$1(redacted)");
        m = FAILING_ROW.matcher(m).replaceAll("$1(redacted)");
        m = KEY.matcher(m).replaceAll("$1(redacted)");
        m = PARTITION_KEY.matcher(m).replaceAll("$1(redacted)");
        m = INVALID_INPUT.matcher(m).replaceAll("$1(redacted)");
        m = OUT_OF_RANGE.matcher(m).replaceAll("$1(redacted)$2");
        m = MALFORMED.matcher(m).replaceAll("$1(redacted)");
        m = COPY_CONTEXT.matcher(m).replaceAll("$1: (redacted)");
        return m;
    }

    /**
     * A stand-in for {@code e} to carry as a cause: its SQLSTATE and redacted message, without the original chain, whose
     * messages (and a batch's next exception) may quote row values.
     */
    public static java.sql.SQLException redacted(java.sql.SQLException e) {
        return new java.sql.SQLException(redact(e.getMessage()), e.getSQLState(), e.getErrorCode());
    }
}
