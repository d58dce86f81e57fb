package io.citus.warp.status;

import io.citus.warp.status.MigrationStatus.ConnectorState;
import io.citus.warp.status.MigrationStatus.TableSnapshot;
import io.citus.warp.status.MigrationStatus.TaskState;

/** {@code warp status} as text: verdict, connectors, snapshot bars, lag, slot, delay. */
public final class StatusView {
    private StatusView() {
    }

    public static String render(MigrationStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("verdict      ").append(s.verdict().label()).append('\n');
        if (s.caughtUpProof() != null) {
            b.append("proof        ").append(s.caughtUpProof()).append('\n');
        }
        for (ConnectorState c : s.connectors()) {
            b.append("connector    ").append(c.name()).append("  ").append(c.state());
            for (TaskState t : c.tasks()) {
                b.append("  task ").append(t.id()).append(' ').append(t.state());
            }
            b.append('\n');
            if (c.trace() != null) {
                b.append(indent(firstLines(c.trace(), 12)));
            }
            for (TaskState t : c.tasks()) {
                if (t.trace() != null) {
                    b.append(indent(firstLines(t.trace(), 12)));
                }
            }
        }
        for (TableSnapshot t : s.snapshot()) {
            b.append(String.format("snapshot     %-28s %s %,d / ~%,d rows%s%n", t.table(), bar(t.fraction()), t.rowsApplied(),
                    Math.max(t.estimatedRows(), 0), t.completed() ? " done" : ""));
        }
        if (s.lag() != null) {
            b.append(String.format("kafka lag    %,d record(s) (applied up to offset %,d of %,d)%n", s.lag(), s.appliedOffset(), s.endOffset()));
        }
        if (s.sink() != null) {
            b.append(String.format("applied      %,d transaction(s), %,d change(s), %,d snapshot row(s); last source commit %s (LSN %s)%n",
                    s.sink().transactions(), s.sink().changes(), s.sink().snapshotRows(),
                    s.sink().sourceCommitTime() == null ? "-" : s.sink().sourceCommitTime(),
                    s.sink().commitLsn() == null ? "-" : s.sink().commitLsn()));
        }
        if (s.replicationDelaySeconds() != null) {
            b.append(String.format("delay        %.1f s%n", s.replicationDelaySeconds()));
        }
        if (s.slot() != null) {
            if (s.slot().exists()) {
                b.append(String.format("slot         %s %s, retains %,d bytes of WAL (restart %s, confirmed %s, current %s)%n",
                        s.slot().name(), s.slot().active() ? "active" : "inactive",
                        s.slot().retainedBytes() == null ? 0 : s.slot().retainedBytes(), s.slot().restartLsn(),
                        s.slot().confirmedFlushLsn(), s.slot().currentLsn()));
            } else {
                b.append("slot         ").append(s.slot().name()).append(" does not exist\n");
            }
        }
        s.notes().forEach(n -> b.append("note         ").append(n).append('\n'));
        return b.toString();
    }

    public static String bar(double fraction) {
        int width = 20;
        int filled = (int) Math.round(fraction * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + String.format("%3d%%", (int) Math.round(fraction * 100));
    }

    private static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(n, lines.length); i++) {
            b.append(lines[i]).append('\n');
        }
        return b.toString();
    }

    private static String indent(String text) {
        return text.lines().map(l -> "             | " + l + "\n").reduce("", String::concat);
    }
}
