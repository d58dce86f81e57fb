package io.citus.warp.testing;

import io.citus.warp.cli.Warp;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the {@code warp} command inside the test JVM, as a user types it: exit code and both outputs. */
public record WarpCommand(int code, String out, String err) {

    public static WarpCommand run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new WarpCommand(code, out.toString(), err.toString());
    }

    /** For assertion messages: the command's exit code and both outputs. */
    public String describe() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
