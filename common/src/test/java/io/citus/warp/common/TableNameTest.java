package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Table names as a person writes them: quoted parts, lists. */
@Tag("unit")
class TableNameTest {
    @Test
    void quotedNamesAndLists() {
        assertEquals(new TableName("s", "t.x"), TableName.parse("s.\"t.x\""));
        assertEquals(List.of(new TableName("public", "a"), new TableName("b", "c")), TableName.parseList("a, b.c,"));
    }
}
