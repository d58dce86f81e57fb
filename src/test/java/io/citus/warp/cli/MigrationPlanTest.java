package io.citus.warp.cli;

import io.citus.warp.common.TableName;
import io.citus.warp.migration.MigrationPlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The migration plan a command builds from its options: what each part comes from, read once. */
@Tag("unit")
class MigrationPlanTest {

    private static MigrationSettings settingsOf(String... args) {
        CommandLine cl = Warp.commandLine();
        cl.parseArgs(args);
        CommandLine status = cl.getSubcommands().get("status");
        return ((StatusCommand) status.getCommand()).settings;
    }

    @Test
    void everyPartComesFromTheOptionsWithTheWorkersViewOfTheDatabases(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("source.pw");
        Files.writeString(pw, "first\n");
        MigrationSettings s = settingsOf("status", "--source", "jdbc:postgresql://warp-side:5432/src?user=u",
                "--target", "postgres://t:tpw@target:6432/dst", "--tables", "public.a, \"Sales\".\"Order Items\"",
                "--name", "shop-1", "--connect-source", "postgres://cu@db.internal:5432/src?sslmode=require",
                "--secrets-file", "/etc/warp/secrets.properties", "--progress-schema", "warp_progress",
                "--source-password-file", pw.toString());
        s.env = Map.<String, String>of()::get;
        MigrationPlan plan = s.plan();
        assertEquals("shop-1", plan.names().name());
        assertEquals("warp_shop_1", plan.names().slot());
        assertEquals(List.of(TableName.parse("public.a"), new TableName("Sales", "Order Items")), plan.tables(),
                "--tables, as given: no database is asked");
        assertEquals("warp_progress", plan.progressSchema());
        assertEquals("/etc/warp/secrets.properties", plan.secretsFile());
        assertEquals("warp-side", plan.source().host());
        assertEquals("first", plan.source().password());
        assertEquals("db.internal", plan.connectSource().host(), "--connect-source: the source as the workers reach it");
        assertEquals("cu", plan.connectSource().user());
        assertEquals("require", plan.connectSource().parameters().get("sslmode"));
        assertEquals("first", plan.connectSource().password(), "the workers' view keeps warp's password (for local secrets)");
        assertSame(plan.target(), plan.connectTarget(), "without --connect-target the workers reach the target as warp does");

        Files.writeString(pw, "changed\n");
        assertEquals("first", s.plan().source().password(), "the password file is read once per command");
        assertThrows(UnsupportedOperationException.class, () -> plan.tables().add(TableName.parse("public.b")));
    }

    @Test
    void defaultsWithoutOptions() throws Exception {
        MigrationSettings s = settingsOf("status", "--source", "jdbc:postgresql://h/src?user=u&password=p",
                "--target", "jdbc:postgresql://h/dst?user=u&password=p", "--tables", "public.t");
        MigrationPlan plan = s.plan();
        assertEquals(MigrationSettings.DEFAULT_NAME, plan.names().name());
        assertEquals(MigrationSettings.DEFAULT_PROGRESS_SCHEMA, plan.progressSchema());
        assertNull(plan.secretsFile(), "embedded: warp writes the secrets file under ~/.warp");
        assertSame(plan.source(), plan.connectSource());
    }
}
