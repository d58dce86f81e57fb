package io.citus.warp.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option combinations that cannot work are refused before anything is contacted, with the fix in the message. */
@Tag("unit")
class UsageErrorsTest {
    // Nothing listens on port 1: a command that tried to connect would fail with exit 3, not 2.
    private static final String[] ENDPOINTS = {"--source", "jdbc:postgresql://127.0.0.1:1/src?user=u",
            "--target", "jdbc:postgresql://127.0.0.1:1/dst?user=u", "--tables", "public.t"};

    private static String[] with(String command, String... more) {
        String[] args = new String[1 + ENDPOINTS.length + more.length];
        args[0] = command;
        System.arraycopy(ENDPOINTS, 0, args, 1, ENDPOINTS.length);
        System.arraycopy(more, 0, args, 1 + ENDPOINTS.length, more.length);
        return args;
    }

    @Test
    void aConnectClusterWithoutASecretsFileIsAUsageErrorNamingTheFix() {
        for (String command : new String[] {"start", "migrate"}) {
            StringWriter err = new StringWriter();
            int code = Warp.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    with(command, "--connect-url", "http://127.0.0.1:1"));
            assertEquals(Warp.USAGE, code, command + ": " + err);
            assertTrue(err.toString().contains("--connect-url needs --secrets-file PATH"), err.toString());
            assertTrue(err.toString().contains("source.password=") && err.toString().contains("every Connect worker"), err.toString());
        }
    }

    @Test
    void startWithoutAConnectClusterIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), with("start"));
        assertEquals(Warp.USAGE, code, err.toString());
        assertTrue(err.toString().contains("needs --connect-url"), err.toString());
    }
}
