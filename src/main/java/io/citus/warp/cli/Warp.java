package io.citus.warp.cli;

import io.citus.warp.migration.FindingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code warp}: moves a live PostgreSQL database into Citus through Kafka Connect, with no downtime. */
@Command(name = "warp", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = {"Moves a live PostgreSQL database into Citus (or PostgreSQL) with no downtime: Debezium captures",
                "the source's changes into Kafka, the Citus sink applies them to the target transaction by transaction.",
                "",
                "A migration, step by step: check -> schema -> start -> status (until CAUGHT UP) -> verify -> cutover -> finish.",
                "Or all at once: migrate. Or see it work on sample data with nothing installed: demo."},
        subcommands = {CheckCommand.class, SchemaCommand.class, StartCommand.class, StatusCommand.class,
                VerifyCommand.class, CutoverCommand.class, FinishCommand.class, MigrateCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Warp implements Runnable {
    /** Success: checks passed, the command did what it said. */
    public static final int OK = 0;
    /** The command ran, and found blockers, differences or a not-OK verdict. */
    public static final int FINDINGS = 1;
    /** Wrong options or arguments. */
    public static final int USAGE = 2;
    /** Something failed while running: a server unreachable, a connector failed, a timeout. */
    public static final int FAILURE = 3;

    static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "OK");
        codes.put("1", "findings: blockers, differences, or a verdict that is not OK");
        codes.put("2", "usage error (options)");
        codes.put("3", "runtime failure (unreachable server, failed connector, timeout)");
        return codes;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with warp's exit codes, help sections and error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Warp());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("warp " + commandLine.getCommandName() + ": " + Failures.describe(ex));
            org.slf4j.LoggerFactory.getLogger(Warp.class).debug("failure", ex);
            return ex instanceof FindingsException || ex instanceof io.citus.warp.lock.RunLock.Held ? FINDINGS : FAILURE;
        });
        apply(cl);
        return cl;
    }

    private static void apply(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
        cl.getSubcommands().values().forEach(Warp::apply);
    }

    /** Runs warp with these arguments, printing to these writers; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
