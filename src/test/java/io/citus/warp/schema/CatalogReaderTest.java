package io.citus.warp.schema;

import io.citus.warp.common.ProgressTables;
import io.citus.warp.common.TableName;
import io.citus.warp.embedded.LocalPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default table list: every user table, also in a source schema that has the progress schema's name. */
@Tag("integration")
class CatalogReaderTest {

    @Test
    void aSourceSchemaNamedLikeTheProgressSchemaKeepsItsTablesAndOnlyWarpsOwnTablesAreLeftOut() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            String db = pg.createDatabase("catalog");
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA warp");
                s.execute("CREATE TABLE warp.orders (id int PRIMARY KEY)");
                s.execute("CREATE TABLE public.items (id int PRIMARY KEY)");
                for (String ddl : ProgressTables.ddl("warp")) {
                    s.execute(ddl); // a source that was the target of an earlier migration
                }
                for (String ddl : io.citus.warp.common.BaseCopyTables.ddl("warp")) {
                    s.execute(ddl);
                }
                assertEquals(List.of(new TableName("public", "items"), new TableName("warp", "orders")),
                        new CatalogReader(c).userTables("warp"));
            }
        }
    }
}
