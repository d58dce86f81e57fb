package io.citus.warp.migration;

import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;

import java.util.List;

/**
 * One migration as every step sees it, built once per command from its options (or by the demo): the databases as
 * warp reaches them and as the Connect workers do, the names derived from --name, where the sink keeps its progress, and
 * the tables, resolved once, so that the preflight, the connector configs, the copy, status, cutover and verify all
 * work on the same list.
 *
 * @param source        the source as warp reaches it, with its password
 * @param target        the target as warp reaches it, with its password
 * @param connectSource the source as the Connect workers reach it (--connect-source, else {@code source}); the
 *                      connectors read its password from the secrets file
 * @param connectTarget the target as the Connect workers reach it (--connect-target, else {@code target})
 * @param secretsFile   the passwords' file as the Connect workers read it (--secrets-file); null: written under
 *                      ~/.warp for a worker on this machine
 * @param tables        the migrated tables: --tables, else those warp start recorded, else every user table of the source
 */
public record MigrationPlan(MigrationNames names, PgEndpoint source, PgEndpoint target, PgEndpoint connectSource,
                            PgEndpoint connectTarget, String secretsFile, String progressSchema, List<TableName> tables) {
    public MigrationPlan {
        tables = List.copyOf(tables);
    }
}
