package io.citus.warp.sink.schema;

import java.util.List;

/**
 * What one captured schema change means for its target table: the statements that make the target follow it (applied in
 * the target transaction of the source transaction that made it), the checks of existing rows they rely on, or why it is
 * not applied and what to run on the target instead.
 *
 * @param change     the change in words, e.g. {@code ADD COLUMN "color" text DEFAULT 'red'::text}
 * @param statements DDL the sink runs on the target (nothing when the target already matches)
 * @param checks     columns whose every row must hold a known value before the change counts as applied
 * @param refusals   why the sink does not apply it (empty: it does)
 * @param fix        what to run on the target, in order, when refused
 */
public record SchemaChangePlan(List<String> change, List<String> statements, List<RowsCheck> checks, List<String> refusals,
                               List<String> fix) {

    public SchemaChangePlan {
        change = List.copyOf(change);
        statements = List.copyOf(statements);
        checks = List.copyOf(checks);
        refusals = List.copyOf(refusals);
        fix = List.copyOf(fix);
    }

    public boolean refused() {
        return !refusals.isEmpty();
    }

    /**
     * Every row of the target table must hold {@code literal} (null: NULL) in {@code column}, cast to {@code type}: the
     * value every row held on the source when the column was added there.
     */
    public record RowsCheck(String column, String type, String literal) {
    }
}
