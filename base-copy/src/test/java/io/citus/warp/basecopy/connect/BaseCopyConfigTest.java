package io.citus.warp.basecopy.connect;

import io.citus.warp.common.TableName;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class BaseCopyConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> c = new HashMap<>();
        c.put("source.url", "jdbc:postgresql://src:5433/app?sslmode=require");
        c.put("source.user", "warp");
        c.put("source.password", "s3cret");
        c.put("slot.name", "warp_shop");
        c.put("table.include.list", "(?-i)public\\.orders");
        c.put("connection.url", "jdbc:postgresql://coord:5432/app");
        c.put("connection.user", "writer");
        c.put("connection.password", "t0p");
        return c;
    }

    @Test
    void endpointsUserAndPasswordComeFromTheirKeysAndTheUrlKeepsItsParameters() {
        BaseCopyConfig config = new BaseCopyConfig(minimal());
        assertEquals("warp@src:5433/app", config.source().describe());
        assertEquals("s3cret", config.source().password());
        assertEquals("jdbc:postgresql://src:5433/app?sslmode=require", config.source().jdbcUrl());
        assertEquals("writer@coord:5432/app", config.target().describe());
        assertEquals("warp_shop", config.slot());
        assertEquals(100_000, config.options(4).rangeRows());
        assertFalse(config.options(4).binary());
    }

    @Test
    void passwordsArePasswordsAndNeverShown() {
        for (String key : new String[] {"source.password", "connection.password"}) {
            assertEquals(ConfigDef.Type.PASSWORD, BaseCopyConfig.CONFIG_DEF.configKeys().get(key).type, key);
        }
        assertFalse(new BaseCopyConfig(minimal()).toString().contains("s3cret"));
    }

    @Test
    void theMappingIsTheSinksSyntax() {
        Map<String, String> c = minimal();
        c.put("schema.mapping", "public=app");
        c.put("table.mapping", "public.orders=sales.orders");
        BaseCopyConfig config = new BaseCopyConfig(c);
        assertEquals(new TableName("sales", "orders"), config.mapping().target(new TableName("public", "orders")));
        assertEquals(new TableName("app", "items"), config.mapping().target(new TableName("public", "items")));
    }

    @Test
    void refusesWhatCannotWork() {
        Map<String, String> bad = minimal();
        bad.put("source.url", "mysql://x/y?password=hunter2");
        ConfigException e = assertThrows(ConfigException.class, () -> new BaseCopyConfig(bad));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        Map<String, String> noSlot = minimal();
        noSlot.put("slot.name", "");
        assertThrows(ConfigException.class, () -> new BaseCopyConfig(noSlot));
        Map<String, String> format = minimal();
        format.put("copy.format", "csv");
        assertThrows(ConfigException.class, () -> new BaseCopyConfig(format));
        Map<String, String> rows = minimal();
        rows.put("copy.range.rows", "0");
        assertThrows(ConfigException.class, () -> new BaseCopyConfig(rows));
        assertTrue(BaseCopyConfig.CONFIG_DEF.configKeys().get("table.include.list").documentation.contains("table.include.list"));
    }
}
