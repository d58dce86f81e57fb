package io.citus.warp.sink;

import io.citus.warp.sink.apply.CommitListener;
import io.citus.warp.sink.apply.RowEncoder;
import io.citus.warp.sink.apply.SchemaChangeApplier;
import io.citus.warp.sink.apply.TargetApplier;
import io.citus.warp.sink.apply.TargetSession;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.PositionGuard;
import io.citus.warp.sink.progress.Progress;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.queue.ApplyTarget;
import io.citus.warp.sink.schema.SchemaChangePlanner;
import io.citus.warp.sink.value.PgText;
import org.apache.kafka.common.TopicPartition;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/** The Citus coordinator (or a PostgreSQL server) as the sink's target, with the Kafka check of the stored position. */
final class CoordinatorTarget implements SinkTarget {
    private final CitusSinkConfig config;
    private final TargetSession session;
    private final ProgressStore progress;
    private final PositionGuard guard;
    private final BaseCopyGate baseCopy;
    private final String connector;

    CoordinatorTarget(CitusSinkConfig config, String stream, String connector) {
        this.config = config;
        this.connector = connector;
        this.session = new TargetSession(config.url(), config.user(), config.password(), config.mapping());
        this.progress = new ProgressStore(config.progressSchema(), stream);
        this.guard = new PositionGuard(config.kafkaAdminSettings(), progress, stream, connector);
        this.baseCopy = config.baseCopySlot().isEmpty() ? null : new BaseCopyGate(config.progressSchema(), config.baseCopySlot());
    }

    @Override
    public Optional<Progress> read() {
        try {
            progress.ensureTables(session.connection());
            return progress.load(session.connection());
        } catch (SQLException e) {
            session.discard();
            throw new ApplyException(ErrorKind.of(e), "cannot read the sink's progress from the target: " + e.getMessage(), e);
        }
    }

    @Override
    public void verify(Collection<TopicPartition> assignment, Optional<Progress> stored) {
        guard.verify(assignment, stored);
    }

    @Override
    public BaseCopyGate.State baseCopy() {
        try {
            return baseCopy.read(session.connection());
        } catch (SQLException e) {
            session.discard();
            throw new ApplyException(ErrorKind.of(e), "cannot read the base copy's state from the target: " + e.getMessage(), e);
        }
    }

    @Override
    public ApplyTarget applier(CommitListener listener) {
        RowEncoder encoder = new RowEncoder(new PgText(config.placeholder(), config.timetzAsUtc()), config.keylessTables(),
                config.replicaIdentityIndexes());
        SchemaChangeApplier schemaChanges = new SchemaChangeApplier(session, progress,
                new SchemaChangePlanner(config.applySchemaChanges(), config.replicaIdentityIndexes().keySet()), config.mapping(), connector);
        return new TargetApplier(session, encoder, schemaChanges, progress, listener, config.truncateNonEmptyTarget());
    }

    @Override
    public boolean connectionLost() {
        return session.connectionLost();
    }

    @Override
    public void discard() {
        session.discard();
    }

    @Override
    public void close() {
        session.close();
    }
}
