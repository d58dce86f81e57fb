package io.citus.warp.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --config FILE fills options; flags on the command line win. */
@Tag("unit")
class ConfigFileTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void configFileFillsOptionsAndFlagsWin(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("warp.properties");
        java.nio.file.Files.writeString(file, "source=jdbc:postgresql://src:5432/app?user=u\ntarget=postgres://t:p@dst/app\n"
                + "tables=public.a,public.b\nname=fromfile\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "start", "--config", file.toString(), "--name", "fromflag", "--print", "--secrets-file", "/s.properties");
        assertEquals(Warp.OK, code, err.toString());
        String json = out.toString();
        assertTrue(json.contains("\"warp-fromflag-source\""), json);
        assertTrue(json.contains("\"database.hostname\" : \"src\""), json);
        assertTrue(json.contains("\"table.include.list\" : \"(?-i)public\\\\.a,(?-i)public\\\\.b,warp\\\\.ddl_capture\""), json);
        assertTrue(json.contains("\"slot.name\" : \"warp_fromflag\""), json);
        assertTrue(json.contains("\"topics\" : \"warp-fromflag.changes\""), json);
        assertTrue(json.contains("${file:/s.properties:target.password}"), json);
        assertFalse(json.contains("\"p\""), "no password in the rendered config");
    }
}
