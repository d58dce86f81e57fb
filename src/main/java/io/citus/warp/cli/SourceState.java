package io.citus.warp.cli;

import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.cutover.WriteFence;
import io.citus.warp.lock.RunLock;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What runs of a migration left on the source, or are doing there now: the cutover's write fence with its record
 * (completed, or left by a cutover that was interrupted), and the holder of the migration's run lock. {@code status}
 * prints it, {@code finish} refuses on an interrupted cutover's fence, so that nothing is left behind unknowingly.
 */
final class SourceState {
    /** The fence found on the source, its record and the statements that remove it. */
    record Fence(WriteFence.State state, List<String> undo) {
        String describe() {
            return "the write fence of cutover is on the source (installed " + state.installedAt() + "; "
                    + (state.completed() ? "cutover completed " + state.completedAt() : "its cutover did NOT complete: it was interrupted")
                    + ")";
        }
    }

    private SourceState() {
    }

    static Optional<Fence> fence(MigrationPlan plan) throws SQLException {
        try (Connection c = plan.source().connect()) {
            Optional<WriteFence.State> state = WriteFence.state(c, plan.names().name());
            if (state.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Fence(state.get(), WriteFence.undoStatements(c, plan.names().name(), plan.tables())));
        }
    }

    /** Lines for {@code warp status}: a run in progress, a fence in place and what to do about it. */
    static List<String> describe(MigrationPlan plan) throws SQLException {
        List<String> lines = new ArrayList<>();
        Optional<RunLock.Holder> holder;
        try (Connection c = plan.source().connect()) {
            holder = RunLock.holder(c, plan.names().slot());
        }
        holder.ifPresent(h -> lines.add("in progress: " + h.application() + " (source session pid " + h.pid() + ", since " + h.since() + ")"));
        Optional<Fence> fence = fence(plan);
        if (fence.isPresent()) {
            lines.add(fence.get().describe());
            if (!fence.get().state().completed() && holder.isEmpty()) {
                lines.add("  run `warp cutover` again to complete it, or make the source writable again with: "
                        + String.join("; ", fence.get().undo()) + ";");
            }
        }
        return lines;
    }
}
