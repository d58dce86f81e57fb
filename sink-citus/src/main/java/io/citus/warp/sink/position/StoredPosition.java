package io.citus.warp.sink.position;

import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.Progress;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Optional;

/** What the target (and Kafka) say about where the stream stands: read when the task positions itself. */
public interface StoredPosition {
    /**
     * This stream's progress row on the target (its tables created on first use).
     *
     * @throws io.citus.warp.sink.errors.ApplyException when the target cannot be read (transient or not)
     */
    Optional<Progress> read();

    /**
     * Checks the stored progress against the assigned topic (its ID, first and last offsets).
     *
     * @throws org.apache.kafka.connect.errors.ConnectException when they do not match (a person must decide)
     */
    void verify(Collection<TopicPartition> assignment, Optional<Progress> stored);

    /** The base copy's state on the target; asked only of a sink deployed with a base copy slot. */
    BaseCopyGate.State baseCopy();
}
