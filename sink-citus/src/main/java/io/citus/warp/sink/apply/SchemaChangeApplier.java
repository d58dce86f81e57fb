package io.citus.warp.sink.apply;

import io.citus.warp.common.Identifiers;
import io.citus.warp.common.ProgressTables;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetTable;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.SchemaChange;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.schema.SchemaChangePlan;
import io.citus.warp.sink.schema.SchemaChangePlanner;
import io.citus.warp.sink.schema.TargetShape;
import io.citus.warp.sink.schema.TargetShapeReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes a captured schema change on the target at its place in its source transaction, inside that transaction's target
 * transaction (so the DDL, the rows around it and the stream's position commit together, or none of them), through the
 * coordinator (Citus propagates it to the shards). What to make is {@link SchemaChangePlanner}'s decision; what it made
 * is recorded in the progress schema's {@value ProgressTables#SCHEMA_CHANGES} table, in the same transaction.
 *
 * <p>A change it does not make stops the sink before anything of its transaction is applied: the stop is recorded (in a
 * transaction of its own) for {@code warp status}, and the task fails with the table, the change, the source position,
 * the statements to run on the target and how to resume.
 */
public final class SchemaChangeApplier {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaChangeApplier.class);

    private final TargetSession session;
    private final ProgressStore progress;
    private final SchemaChangePlanner planner;
    private final TableMapping mapping;
    private final String connector;

    public SchemaChangeApplier(TargetSession session, ProgressStore progress, SchemaChangePlanner planner, TableMapping mapping,
                               String connector) {
        this.session = session;
        this.progress = progress;
        this.planner = planner;
        this.mapping = mapping;
        this.connector = connector;
    }

    /**
     * Makes (or refuses), in the open target transaction, consecutive schema changes of one source transaction with no row
     * change between them: changes of one table that follow each other are made as one (their intermediate states are
     * never seen: a primary key dropped and added again is a new primary key, not a table without one).
     */
    public void apply(List<ChangeEvent> run) throws SQLException {
        ChangeEvent first = null;
        SchemaChange merged = null;
        for (ChangeEvent event : run) {
            SchemaChange change = event.schemaChange();
            if (change == null) {
                continue;
            }
            if (merged != null && merged.after() != null && merged.after().id().equals(change.before().id())) {
                merged = new SchemaChange(change.slot(), change.seq(), merged.tag().equals(change.tag()) ? merged.tag()
                        : merged.tag() + ", " + change.tag(), merged.rewrite() | change.rewrite(), merged.before(), change.after());
                continue;
            }
            if (merged != null) {
                apply(first, merged);
            }
            first = event;
            merged = change;
        }
        if (merged != null) {
            apply(first, merged);
        }
    }

    /** Makes (or refuses) {@code change}, captured at {@code event}, in the open target transaction. */
    private void apply(ChangeEvent event, SchemaChange change) throws SQLException {
        if (change.isNoOp()) {
            return;
        }
        Connection c = session.connection();
        TableName source = change.before().id();
        TableName renamedTo = change.after() != null && !change.after().id().equals(source) ? mapping.target(change.after().id()) : null;
        Optional<TargetTable> table = session.existingTable(mapping.target(source));
        if (table.isEmpty() && renamedTo != null) {
            table = session.existingTable(renamedTo);
        }
        TargetShape shape = table.isPresent() ? TargetShapeReader.read(c, table.get()) : null;
        SchemaChangePlan plan = planner.plan(change, shape, renamedTo);
        List<String> mismatches = plan.refused() ? List.of() : checkRows(c, shape, plan);
        if (plan.refused() || !mismatches.isEmpty()) {
            stop(event, change, shape, plan, mismatches);
        }
        try (Statement s = c.createStatement()) {
            for (String sql : plan.statements()) {
                s.execute(sql);
            }
        }
        // Read the table anew even when nothing was made: the target may have been changed by hand (the stop's fix).
        session.schemaChanged();
        progress.recordSchemaChange(c, event.source().lsn(), event.source().txId(), source,
                shape == null ? null : shape.table(), change.tag(), String.join("; ", plan.change()),
                plan.statements().isEmpty() ? null : String.join("; ", plan.statements()), ProgressTables.APPLIED);
        LOG.info("schema change on {} at source {}: {}{}", source, event.source(), String.join("; ", plan.change()),
                plan.statements().isEmpty() ? " (the target already had it)" : "; applied on the target: " + String.join("; ", plan.statements()));
    }

    /** Rows of a column the target already has that do not hold the value the source's rows read when it was added. */
    private static List<String> checkRows(Connection c, TargetShape shape, SchemaChangePlan plan) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        for (SchemaChangePlan.RowsCheck check : plan.checks()) {
            String column = Identifiers.quote(check.column());
            String condition = check.literal() == null ? column + " IS NOT NULL"
                    : column + " IS DISTINCT FROM " + SchemaChangePlanner.literal(check.literal()) + "::" + check.type();
            try (Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM " + shape.table().quoted() + " WHERE " + condition)) {
                rs.next();
                long rows = rs.getLong(1);
                if (rows > 0) {
                    mismatches.add(rows + " row(s) of " + shape.table() + " hold another value in " + column + " than the source's "
                            + "rows held when it was added there (" + (check.literal() == null ? "NULL" : "its stored default")
                            + "): set them to it (UPDATE " + shape.table().quoted() + " SET " + column + " = "
                            + (check.literal() == null ? "NULL" : SchemaChangePlanner.literal(check.literal()) + "::" + check.type())
                            + ") or drop the column, so that the sink adds it");
                }
            }
        }
        return mismatches;
    }

    private void stop(ChangeEvent event, SchemaChange change, TargetShape shape, SchemaChangePlan plan, List<String> mismatches) {
        List<String> why = new ArrayList<>(plan.refusals());
        why.addAll(mismatches);
        TableName target = shape == null ? mapping.target(change.before().id()) : shape.table();
        String message = "Schema change on source table " + change.before().id() + " (" + change.tag() + ") at source "
                + event.source() + " (Kafka " + event.kafka() + ") is not applied: " + String.join("; ", plan.change()) + ". Why: " + String.join("; ", why)
                + "." + (plan.fix().isEmpty() ? "" : " Run on the target: " + String.join("; ", plan.fix()) + ".")
                + " Then restart the sink task (POST /connectors/" + connector + "/tasks/0/restart): it resumes at this "
                + "transaction and goes on once target table " + target + " matches the source's new definition "
                + "(docs/schema-changes.md).";
        // The transaction is not applied; the stop is recorded on its own for warp status.
        session.rollbackQuietly();
        try {
            Connection c = session.connection();
            progress.recordSchemaChange(c, event.source().lsn(), event.source().txId(), change.before().id(), target, change.tag(),
                    String.join("; ", plan.change()), plan.fix().isEmpty() ? null : String.join("; ", plan.fix()),
                    ProgressTables.STOPPED);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not record the stop at the schema change on {} for warp status ({})", change.before().id(), e.getMessage());
            session.rollbackQuietly();
        }
        throw new ApplyException(ErrorKind.PERMANENT, message, null);
    }
}
