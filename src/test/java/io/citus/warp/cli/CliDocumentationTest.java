package io.citus.warp.cli;

import io.citus.warp.status.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/warp-cli.md against the command itself: options, defaults shown by --help, exit codes. */
@Tag("unit")
class CliDocumentationTest {

    private static String doc() throws IOException {
        for (Path p : new Path[] {Paths.get("..", "docs", "warp-cli.md"), Paths.get("docs", "warp-cli.md")}) {
            if (Files.exists(p)) {
                return Files.readString(p);
            }
        }
        throw new IllegalStateException("docs/warp-cli.md not found from " + Paths.get("").toAbsolutePath());
    }

    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> commands = new LinkedHashMap<>(Warp.commandLine().getSubcommands());
        commands.remove("help");
        return commands;
    }

    @Test
    void helpOfEveryCommandShowsRealDefaultsAndTheExitCodes() {
        for (String name : commands().keySet()) {
            StringWriter out = new StringWriter();
            int code = Warp.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), name, "--help");
            assertEquals(Warp.OK, code, name);
            String help = out.toString();
            assertFalse(help.contains("default: null"), name + " --help shows a default that is not the real one:\n" + help);
            assertTrue(help.contains("Exit codes:"), name);
            Warp.exitCodes().forEach((k, v) -> assertTrue(help.contains(v), name + " --help lists exit code " + k));
        }
    }

    @Test
    void everyOptionIsDocumentedAndEveryDocumentedOptionExists() throws IOException {
        String doc = doc();
        Set<String> known = new TreeSet<>();
        Set<String> undocumented = new TreeSet<>();
        commands().forEach((name, cl) -> {
            for (OptionSpec option : cl.getCommandSpec().options()) {
                known.addAll(java.util.List.of(option.names()));
                String longest = option.longestName();
                if (!longest.equals("--help") && !longest.equals("--version")
                        && !Pattern.compile("(?<![a-z-])" + Pattern.quote(longest) + "(?![a-z-])").matcher(doc).find()) {
                    undocumented.add(name + " " + longest);
                }
            }
        });
        assertTrue(undocumented.isEmpty(), "options missing from docs/warp-cli.md: " + undocumented);
        Matcher m = Pattern.compile("`(--[a-z][a-z-]*)").matcher(doc);
        Set<String> stale = new TreeSet<>();
        while (m.find()) {
            if (!known.contains(m.group(1))) {
                stale.add(m.group(1));
            }
        }
        assertTrue(stale.isEmpty(), "docs/warp-cli.md names options no command has: " + stale);
    }

    @Test
    void exitCodesAreTheDocumentedOnes() throws IOException {
        String doc = doc();
        String section = doc.substring(doc.indexOf("## Exit codes"), doc.indexOf("\n## ", doc.indexOf("## Exit codes") + 1));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| (\\d) \\| (.+) \\|$").matcher(section);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        assertEquals(Warp.exitCodes().keySet(), rows.keySet());
        assertEquals("0", Integer.toString(Warp.OK));
        for (Verdict v : Verdict.values()) {
            int code = StatusCommand.exitCode(v);
            String row = rows.get(Integer.toString(code));
            assertTrue(v == Verdict.CAUGHT_UP ? code == Warp.OK : row.contains(v.label()),
                    "status " + v.label() + " exits " + code + ", and the doc's row for " + code + " says so: " + row);
        }
    }
}
