package io.citus.warp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.citus.warp.preflight.Finding;

import java.io.PrintWriter;
import java.util.List;

/** Console output: aligned text for people, JSON (--json) for scripts. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static void findings(PrintWriter out, List<Finding> findings) {
        int area = 7;
        int check = 5;
        for (Finding f : findings) {
            area = Math.max(area, f.area().length());
            check = Math.max(check, f.check().length());
        }
        String format = "%-8s %-" + area + "s  %-" + check + "s  %s%n";
        out.printf(format, "RESULT", "AREA", "CHECK", "DETAIL");
        for (Finding f : findings) {
            out.printf(format, f.level(), f.area(), f.check(), f.detail());
        }
        long blockers = findings.stream().filter(f -> f.level() == Finding.Level.BLOCKER).count();
        long warnings = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
        out.printf("%n%d blocker(s), %d warning(s)%n", blockers, warnings);
        out.flush();
    }
}
