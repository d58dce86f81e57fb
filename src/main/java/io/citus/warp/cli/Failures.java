package io.citus.warp.cli;

import java.sql.SQLException;

/** Short, user-facing descriptions of failures (the cause chain, without stack traces, without row values). */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        Throwable t = e;
        int depth = 0;
        while (t != null && depth++ < 4) {
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : io.citus.warp.common.ValueRedaction.redact(t.getMessage());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                msg += " [SQLSTATE " + sql.getSQLState() + "]";
            }
            if (s.indexOf(msg) < 0) {
                s.append(s.length() == 0 ? "" : ": ").append(msg);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return s.toString();
    }
}
