package io.citus.warp.schema;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code pg_dump --schema-only} of the selected tables, when a pg_dump at least as new as the source is on PATH. */
public final class PgDump {
    private static final Pattern VERSION = Pattern.compile("pg_dump \\(PostgreSQL\\) (\\d+)");

    private PgDump() {
    }

    /** pg_dump's major version, or empty when there is no pg_dump on PATH. */
    public static Optional<Integer> majorVersion() {
        try {
            Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The DDL script, psql meta-commands (\restrict, \connect) removed so it can run over JDBC. */
    public static String schemaOnly(PgEndpoint source, List<TableName> tables) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                "--no-publications", "--no-subscriptions", "--no-comments", "-h", source.host(), "-p", Integer.toString(source.port()),
                "-U", source.user(), "-d", source.database()));
        for (TableName t : tables) {
            cmd.add("-t");
            cmd.add(t.quoted());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PGPASSWORD", source.password());
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("pg_dump failed: " + err.trim());
        }
        return stripMetaCommands(new String(out, StandardCharsets.UTF_8));
    }

    static String stripMetaCommands(String script) {
        StringBuilder s = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            if (!line.startsWith("\\")) {
                s.append(line).append('\n');
            }
        }
        return s.toString();
    }
}
