package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture's SQL writes every JSON field the sink reads, under the names the sink reads it by. */
@Tag("unit")
class SchemaChangeCaptureTest {
    @Test
    void everyFieldTheSinkReadsIsWrittenByTheCapture() throws IllegalAccessException {
        String sql = String.join("\n", SchemaChangeCapture.installStatements()) + "\n" + SchemaChangeCapture.trackSql();
        int fields = 0;
        for (Field f : SchemaChangeCapture.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && (f.getName().startsWith("F_") || f.getName().startsWith("C_"))) {
                String name = (String) f.get(null);
                assertTrue(sql.contains("'" + name + "'"), f.getName() + " = " + name + " is not written by the capture's SQL");
                fields++;
            }
        }
        assertTrue(fields >= 20, "the fields were found: " + fields);
        for (String trigger : SchemaChangeCapture.EVENT_TRIGGERS) {
            assertTrue(sql.contains("CREATE EVENT TRIGGER " + trigger + " "), trigger);
            assertTrue(String.join("\n", SchemaChangeCapture.uninstallStatements()).contains(trigger), trigger + " is dropped again");
        }
        assertTrue(sql.contains("SECURITY DEFINER"), "the capture writes its table with its owner's rights");
        assertTrue(sql.contains("REVOKE ALL ON warp.ddl_capture FROM PUBLIC"), "nobody else may write it");
    }
}
