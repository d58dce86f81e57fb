package io.citus.warp.testing;

import io.citus.warp.cli.Warp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One run of the {@code warp} command inside the test JVM, as a user types it: exit code and both outputs. */
public record WarpCommand(int code, String out, String err) {

    public static WarpCommand run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new WarpCommand(code, out.toString(), err.toString());
    }

    /**
     * {@code warp <args>} against the migration's source and plain target database (as the servers' superuser) and the
     * shared Connect worker and Kafka; {@code --name} is the migration's unless the arguments give one.
     */
    public static WarpCommand against(TestEnvironment env, Migration m, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                "--target", env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(),
                "--connect-url", env.connect().baseUrl().toString(),
                "--bootstrap-servers", env.bootstrapServers(),
                "--secrets-file", env.secretsFile().toString()));
        if (!a.contains("--name")) {
            a.addAll(List.of("--name", m.id().replace('_', '-')));
        }
        return run(a.toArray(String[]::new));
    }

    /** For assertion messages: the command's exit code and both outputs. */
    public String describe() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
