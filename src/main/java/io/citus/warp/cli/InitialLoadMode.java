package io.citus.warp.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code --initial-load}: how the existing rows reach the target. Chosen by start and migrate (within
 * {@link InitialLoadOptions}), and given to check, which checks what the chosen one needs.
 */
public final class InitialLoadMode {
    /** The two ways to load the existing rows. */
    public enum Mode {
        BASE_COPY("base-copy"), CONNECTOR("connector"), DEBEZIUM("debezium");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }

        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.label.equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("expected base-copy, connector or debezium: " + text);
        }
    }

    @Option(names = "--initial-load", paramLabel = "MODE", converter = ModeConverter.class,
            description = {"How existing rows reach the target: base-copy (default: Warp creates the slot with an exported snapshot,",
                    "copies every table with parallel COPY under it, then Debezium streams from that slot with snapshot.mode=no_data),",
                    "connector (the same copy run inside Connect by the base-copy connector, connectors/config/base-copy.json, its",
                    "--copy-parallelism tasks spread over the workers; warp deploys it with the other two and waits for it), or",
                    "debezium (Debezium's own snapshot through Kafka and the sink). For check: the one warp start will use (what",
                    "some schema features need differs)."})
    Mode mode = Mode.BASE_COPY;

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.parse(value);
        }
    }

    /** Warp's base copy, in this process or inside Connect: the rows are copied, not snapshotted by Debezium. */
    boolean baseCopy() {
        return mode == Mode.BASE_COPY || mode == Mode.CONNECTOR;
    }

    /** The base copy runs inside Connect (the base-copy connector). */
    boolean inConnect() {
        return mode == Mode.CONNECTOR;
    }
}
