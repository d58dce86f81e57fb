package io.citus.warp.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warp command's exit codes: usage errors, runtime failures, and the help that documents them. */
@Tag("unit")
class ExitCodesTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void usageErrorsExitTwoAndHelpDocumentsExitCodes() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "check", "--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "verify", "--target", "jdbc:postgresql://h/db"), "missing --source");
        assertTrue(err.toString().contains("--source is required"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "check", "--source", "mysql://h/db", "--target", "jdbc:postgresql://h/db"));
        assertTrue(err.toString().contains("not a PostgreSQL URL"), err.toString());

        err = new StringWriter();
        assertEquals(Warp.USAGE, run(out, err, "status", "--name", "Bad Name!", "--source", "jdbc:postgresql://h/db",
                "--target", "jdbc:postgresql://h/db"));
        assertTrue(err.toString().contains("--name must be"), err.toString());

        out = new StringWriter();
        assertEquals(Warp.OK, run(out, new StringWriter(), "cutover", "--help"));
        assertTrue(out.toString().contains("Exit codes:"), out.toString());
        assertTrue(out.toString().contains("runtime failure"), out.toString());
        assertTrue(out.toString().contains("--terminate-sessions"), out.toString());

        out = new StringWriter();
        assertEquals(Warp.OK, run(out, new StringWriter(), "--help"));
        for (String command : List.of("check", "schema", "start", "status", "verify", "cutover", "finish", "migrate", "demo")) {
            assertTrue(out.toString().contains(command), command + " listed in " + out);
        }
    }

    @Test
    void unreachableServerIsARuntimeFailure() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "verify", "--source", "jdbc:postgresql://127.0.0.1:1/db?connectTimeout=2",
                "--target", "jdbc:postgresql://127.0.0.1:1/db", "--tables", "public.t");
        assertEquals(Warp.FAILURE, code, err.toString());
        assertTrue(err.toString().startsWith("warp verify: "), err.toString());
    }
}
