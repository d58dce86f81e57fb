package io.citus.warp.cli;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.schema.DdlGenerator;
import io.citus.warp.schema.UserType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passwords never echoed and never needed in argv; quoting that source-controlled text cannot escape. */
@Tag("unit")
class SecretsUnitTest {
    @Test
    void redactionCoversPasswordsWithAtSignsAndMalformedUrls() {
        assertEquals("postgres://alice:***@h/db", PgEndpoint.redact("postgres://alice:p@ss@h/db"));
        assertEquals("postgres://alice:***@h:5432/db?sslmode=require", PgEndpoint.redact("postgres://alice:a@b:c@h:5432/db?sslmode=require"));
        assertEquals("jdbc:postgresql://h/db?user=u&password=***&ssl=true", PgEndpoint.redact("jdbc:postgresql://h/db?user=u&password=p@w&ssl=true"));
        assertFalse(PgEndpoint.redact("jdbc:postgresql://h/db?user=u&Password=s3cret").contains("s3cret"));
        assertEquals("jdbc:postgresql://h:5432/db?user=a@b.c", PgEndpoint.redact("jdbc:postgresql://h:5432/db?user=a@b.c"),
                "an @ in a query parameter is not a password");

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PgEndpoint.parse("postgres://alice:top secret@h/db"));
        assertFalse(bad.getMessage().contains("top secret"), bad.getMessage());
        assertFalse(bad.getMessage().contains("secret"), bad.getMessage());
        IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> PgEndpoint.parse("postgres://alice:pa@ss@/db"));
        assertFalse(noHost.getMessage().contains("pa@ss"), noHost.getMessage());
        assertFalse(noHost.getMessage().contains("ss@"), noHost.getMessage());

        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "check",
                "--source", "postgres://u:hunter2 x@h/db", "--target", "jdbc:postgresql://h/db");
        assertEquals(Warp.USAGE, code);
        assertFalse(err.toString().contains("hunter2"), err.toString());
    }

    @Test
    void passwordsComeFromAFileAnEnvironmentVariablePerSideOrAPrompt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("source.pw");
        Files.writeString(file, "from-file\nignored\n");
        MigrationSettings s = new MigrationSettings();
        s.source = "jdbc:postgresql://h/src?user=u";
        s.target = "postgres://t@h2/dst";
        s.sourcePasswordFile = file;
        s.env = Map.of("WARP_SOURCE_PASSWORD", "src-env", "WARP_TARGET_PASSWORD", "tgt-env", "PGPASSWORD", "shared")::get;
        assertEquals("from-file", s.sourceEndpoint().password(), "the file wins over the environment");
        assertEquals("tgt-env", s.targetEndpoint().password(), "each side has its own variable");

        MigrationSettings prompt = new MigrationSettings();
        prompt.source = "jdbc:postgresql://h/src";
        prompt.target = "jdbc:postgresql://h/dst?password=in-url";
        prompt.sourcePasswordPrompt = "typed".toCharArray();
        prompt.env = Map.of("PGPASSWORD", "shared")::get;
        assertEquals("typed", prompt.sourceEndpoint().password());
        assertEquals("in-url", prompt.targetEndpoint().password());

        MigrationSettings none = new MigrationSettings();
        none.source = "jdbc:postgresql://h/src";
        none.env = Map.<String, String>of()::get;
        assertEquals("", none.sourceEndpoint().password());
        assertNull(PgEndpoint.parseUrl("jdbc:postgresql://h/src").password());
        assertTrue(none.describe().toString().contains("jdbc:postgresql://h/src"));
    }

    @Test
    void dollarQuotesPickATagTheTextDoesNotContain() {
        assertEquals("$warp$x$warp$", Sql.dollarQuote("warp", "x"));
        String hostile = "'); END $warp$; DROP TABLE victim; DO $warp$ BEGIN";
        String q = Sql.dollarQuote("warp", hostile);
        String tag = q.substring(0, q.indexOf('$', 1) + 1);
        assertFalse(hostile.contains(tag), q);
        assertEquals(tag + hostile + tag, q);
        // Text ending in the start of the tag must not close early either.
        String tail = Sql.dollarQuote("warp", "label $warp");
        assertFalse(tail.startsWith("$warp$"), tail);

        UserType e = new UserType("public", "mood", 'e', List.of("ok", "$warp$; DROP TABLE victim; --"), null, false, null, List.of());
        String ddl = DdlGenerator.statements(List.of(e), List.of()).get(0);
        assertFalse(ddl.startsWith("DO $warp$"), ddl);
        assertTrue(ddl.contains("'$warp$; DROP TABLE victim; --'"), ddl);
    }
}
