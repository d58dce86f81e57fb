package io.citus.warp.basecopy;

import io.citus.warp.common.TableName;

/** A source table and the target table its rows go to (the same name, or another schema on the target). */
public record TableCopy(TableName source, TableName target) {
    public static TableCopy same(TableName table) {
        return new TableCopy(table, table);
    }
}
