package io.citus.warp.cli;

import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One run of the warp command in this JVM, as the end-to-end tests drive it: exit code and both outputs. */
record WarpRun(int code, String out, String err) {

    static WarpRun warp(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new WarpRun(code, out.toString(), err.toString());
    }

    /**
     * {@code warp finish} with these arguments, run again while it refuses only because the sink has a record (e.g. a
     * heartbeat) not yet applied or the caught-up proof is not yet there: that refusal is right, and not under test.
     */
    static WarpRun finishWhenCaughtUp(java.time.Duration timeout, String... args) {
        WarpRun[] run = new WarpRun[1];
        io.citus.warp.testing.Eventually.await(timeout, "finish not refused for lag", () -> {
            run[0] = warp(args);
            return !run[0].out().contains("refusing to finish: the sink is");
        });
        return run[0];
    }

    /** {@code command} against the migration's databases and the shared Connect worker and Kafka. */
    static String[] args(TestEnvironment env, Migration m, String command, String... more) {
        return argsWithTarget(env, m, env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(), command, more);
    }

    /** The same against another target (a Citus coordinator). */
    static String[] argsWithTarget(TestEnvironment env, Migration m, String targetUrl, String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command,
                "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                "--target", targetUrl,
                "--name", m.id().replace('_', '-'),
                "--connect-url", env.connect().baseUrl().toString(),
                "--bootstrap-servers", env.bootstrapServers(),
                "--secrets-file", env.secretsFile().toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }
}
