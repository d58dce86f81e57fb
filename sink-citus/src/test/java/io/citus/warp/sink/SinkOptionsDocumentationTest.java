package io.citus.warp.sink;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * connectors/README.md lists every sink option as the ConfigDef defines it: the table between the markers is generated
 * from {@link CitusSinkConfig#CONFIG_DEF}. Run with {@code -Dwarp.docs.write=true} to rewrite it after changing an option.
 */
@Tag("unit")
class SinkOptionsDocumentationTest {
    static final String BEGIN = "<!-- sink-options: generated from CitusSinkConfig.CONFIG_DEF by SinkOptionsDocumentationTest -->";
    static final String END = "<!-- /sink-options -->";

    @Test
    void connectorsReadmeListsEverySinkOptionAsDefined() throws IOException {
        Path readme = readme();
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, readme + " has no generated sink option table (markers " + BEGIN + " ... " + END + ")");
        String current = text.substring(begin + BEGIN.length(), end);
        String generated = "\n" + table(CitusSinkConfig.CONFIG_DEF) + "\n";
        if (!current.equals(generated) && Boolean.getBoolean("warp.docs.write")) {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + generated + text.substring(end));
            return;
        }
        assertEquals(generated, current, "connectors/README.md's sink option table differs from CitusSinkConfig's ConfigDef; "
                + "regenerate it: mvn -pl sink-citus -am test -Dtest=SinkOptionsDocumentationTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dwarp.docs.write=true");
    }

    @Test
    void everyOptionHasDocumentation() {
        for (ConfigDef.ConfigKey key : CitusSinkConfig.CONFIG_DEF.configKeys().values()) {
            assertTrue(key.documentation != null && key.documentation.length() > 20, key.name + " has no real documentation");
        }
    }

    static String table(ConfigDef def) {
        List<ConfigDef.ConfigKey> keys = List.copyOf(def.configKeys().values());
        String rows = keys.stream()
                .map(k -> "| `" + k.name + "` | " + k.group + " | " + k.type.name().toLowerCase() + " | " + defaultOf(k) + " | "
                        + cell(k.documentation) + " |")
                .collect(Collectors.joining("\n"));
        return "| Option | Group | Type | Default | What it does |\n|---|---|---|---|---|\n" + rows;
    }

    private static String defaultOf(ConfigDef.ConfigKey k) {
        if (!k.hasDefault()) {
            return "required";
        }
        if (k.defaultValue == null) {
            return "none";
        }
        Object v = k.defaultValue instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : k.defaultValue;
        return String.valueOf(v).isEmpty() ? "empty" : "`" + v + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static Path readme() {
        for (Path p : new Path[] {Paths.get("..", "connectors", "README.md"), Paths.get("connectors", "README.md")}) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("connectors/README.md not found from " + Paths.get("").toAbsolutePath());
    }
}
