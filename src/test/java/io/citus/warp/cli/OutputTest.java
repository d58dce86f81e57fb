package io.citus.warp.cli;

import io.citus.warp.preflight.Finding;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What warp prints for people: the findings table and its summary. */
@Tag("unit")
class OutputTest {
    /** warp check's summary line counts the BLOCKER and WARN rows it printed, a detail spanning lines or not. */
    @Test
    void checkSummaryCountsThePrintedRows() {
        List<Finding> findings = List.of(Finding.ok("source", "a", "fine"), Finding.blocker("source", "b", "no"),
                Finding.warn("schema", "c", "careful"), Finding.blocker("schema", "d", "also no"), Finding.warn("target", "e", "hm"),
                Finding.warn("schema", "f", "three"));
        StringWriter text = new StringWriter();
        Output.findings(new PrintWriter(text, true), findings);
        List<String> lines = text.toString().lines().toList();
        long blockers = lines.stream().filter(l -> l.startsWith("BLOCKER ")).count();
        long warnings = lines.stream().filter(l -> l.startsWith("WARN ")).count();
        assertEquals(2, blockers);
        assertEquals(3, warnings);
        assertTrue(text.toString().contains(blockers + " blocker(s), " + warnings + " warning(s)"), text.toString());
    }

}
