package io.citus.warp.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where the CPU went in a flight recording of the benchmark (docs/benchmarks.md, "Profile"): the execution samples
 * of each pipeline thread (Debezium's decoding thread, the source task, the producer's network thread, the sink task,
 * the broker), and, per thread, the share of each stage (decoding, value conversion, converter, compression,
 * apply...) and the top leaf frames. Run on a recording made with {@code -XX:StartFlightRecording=...,settings=profile}:
 * <pre>java -cp 'bench/target/warp-bench-*.jar:bench/target/lib/*' io.citus.warp.bench.JfrProfile run.jfr [top-frames [from to]]</pre>
 * where {@code from} and {@code to} (ISO instants, e.g. 2026-12-06T22:10:00Z) keep only the samples of one phase of the run.
 */
public final class JfrProfile {
    /**
     * A thread of the pipeline. Connect's and Debezium's pool threads are renamed while they run a task, and a recording
     * keeps a thread's first name, so a role is recognised by the frames at the bottom of the stack first, its name second.
     */
    record Role(String label, Predicate<String> thread, Predicate<String> bottomType) {
    }

    /**
     * A stage: a sample belongs to the stage of the frame nearest its leaf that any stage recognises (JDK frames are
     * recognised by none), so a hash computed for a Connect schema counts as Connect's, a zstd call as compression.
     */
    record Stage(String label, Predicate<RecordedFrame> frame) {
    }

    static final String WARP_SINK = "Warp sink task thread (fetch, converter, put: decode, assemble, apply)";
    static final String PEER_SINK = "peer sink task thread (Debezium JDBC sink)";

    static final List<Role> ROLES = List.of(
            new Role("Debezium: snapshot/streaming thread (reads rows or decodes pgoutput, builds the envelope)",
                    t -> t.contains("change-event-source-coordinator"),
                    c -> c.startsWith("io.debezium.pipeline.ChangeEventSourceCoordinator")
                            || c.startsWith("io.debezium.relational.RelationalSnapshotChangeEventSource")
                            || c.startsWith("io.debezium.connector.postgresql.PostgresStreamingChangeEventSource")),
            new Role("source task thread (Debezium poll, transforms, converter, producer.send with compression)",
                    t -> t.startsWith("task-thread-source"), c -> c.endsWith("WorkerSourceTask")),
            new Role("source producer network thread", t -> t.contains("connector-producer-source"), c -> false),
            new Role(WARP_SINK, t -> t.startsWith("task-thread-warp"), c -> false),
            new Role(PEER_SINK, t -> t.startsWith("task-thread-" + BenchRun.PEER), c -> false),
            new Role("Kafka broker", t -> t.startsWith("data-plane-kafka") || t.contains("raft") || t.startsWith("kafka-")
                    || t.contains("quorum-controller") || t.contains("group-coordinator"), c -> false),
            new Role("benchmark harness (source load, probes, COPY limit) and the rest", t -> true, c -> false));

    static final List<Stage> STAGES = List.of(
            new Stage("compression/decompression (lz4/zstd/snappy/gzip)", f -> type(f).startsWith("org.apache.kafka.common.compress")
                    || type(f).startsWith("com.github.luben.zstd") || type(f).startsWith("net.jpountz.lz4")
                    || type(f).startsWith("org.xerial.snappy") || type(f).startsWith("java.util.zip")),
            new Stage("converter: Avro (Apicurio AvroConverter, Avro)", f -> type(f).startsWith("io.apicurio")
                    || type(f).startsWith("org.apache.avro")),
            new Stage("converter: JSON (JsonConverter/ExactJsonConverter, Jackson)", f -> type(f).startsWith("org.apache.kafka.connect.json")
                    || type(f).startsWith("io.citus.warp.convert") || type(f).startsWith("com.fasterxml.jackson")),
            new Stage("Warp sink: decode/assemble", f -> type(f).startsWith("io.citus.warp.sink.event")
                    || type(f).startsWith("io.citus.warp.sink.txn")),
            new Stage("Warp sink: encode/apply (RowEncoder, PgText, COPY/statements)", f -> type(f).startsWith("io.citus.warp.sink.apply")
                    || type(f).startsWith("io.citus.warp.sink.value")),
            new Stage("PgJDBC (the sink's writes; Debezium's snapshot reads)", f -> type(f).startsWith("org.postgresql")),
            new Stage("Debezium: pgoutput decoding", f -> type(f).contains("connection.pgoutput")
                    || type(f).contains("PostgresReplicationConnection") || type(f).contains("ReplicationStream")),
            new Stage("Debezium: value conversion and envelope (schemas, Struct)", f -> type(f).startsWith("io.debezium.relational")
                    || type(f).contains("ValueConverter") || type(f).startsWith("io.debezium.data")
                    || type(f).contains("RecordEmitter")),
            new Stage("Debezium: queue and poll", f -> type(f).startsWith("io.debezium.connector.base.ChangeEventQueue")
                    || type(f).contains("BaseSourceTask")),
            new Stage("Connect: Struct/schema validation", f -> type(f).startsWith("org.apache.kafka.connect.data")),
            new Stage("Connect: headers, transforms (RegexRouter)", f -> type(f).startsWith("org.apache.kafka.connect.header")
                    || type(f).startsWith("org.apache.kafka.connect.transforms") || type(f).contains("TransformationChain")),
            new Stage("producer: send/accumulate (batching)", f -> type(f).startsWith("org.apache.kafka.clients.producer")),
            new Stage("consumer: fetch/decompress", f -> type(f).startsWith("org.apache.kafka.clients.consumer")),
            new Stage("network/records (Kafka common)", f -> type(f).startsWith("org.apache.kafka.common")),
            new Stage("other Debezium", f -> type(f).startsWith("io.debezium")),
            new Stage("other Connect runtime", f -> type(f).startsWith("org.apache.kafka.connect")),
            new Stage("other Warp sink", f -> type(f).startsWith("io.citus.warp")));

    private JfrProfile() {
    }

    private static String type(RecordedFrame f) {
        return f.getMethod() == null || f.getMethod().getType() == null ? "" : f.getMethod().getType().getName();
    }

    private static String frameName(RecordedFrame f) {
        return f.getMethod() == null ? "?" : type(f) + "." + f.getMethod().getName();
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrProfile recording.jfr [top-frames]");
            System.exit(2);
        }
        java.time.Instant from = args.length > 3 ? java.time.Instant.parse(args[2]) : java.time.Instant.MIN;
        java.time.Instant to = args.length > 3 ? java.time.Instant.parse(args[3]) : java.time.Instant.MAX;
        System.out.print(summary(Paths.get(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 8, from, to));
    }

    /** The profile as Markdown: samples per thread role, each role's stages and its top leaf frames. */
    public static String summary(Path recording, int topFrames, java.time.Instant from, java.time.Instant to) throws IOException {
        Map<Role, Integer> samplesByRole = new LinkedHashMap<>();
        Map<Role, Map<String, Integer>> stagesByRole = new HashMap<>();
        Map<Role, Map<String, Integer>> leavesByRole = new HashMap<>();
        Map<Role, Map<String, Integer>> callersByRole = new HashMap<>();
        int total = 0;
        // Connect's pool threads run one task after another (and are renamed meanwhile): a sink sample is Warp's or the
        // peer's by the sink code on its own stack, or else by the sink code last seen on that thread.
        Map<Long, String> sinkThreads = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null
                        && event.getThread("sampledThread") != null) {
                    for (RecordedFrame f : event.getStackTrace().getFrames()) {
                        if (type(f).startsWith("io.citus.warp.sink.CitusSinkTask")) {
                            sinkThreads.put(event.getThread("sampledThread").getJavaThreadId(), WARP_SINK);
                        } else if (type(f).startsWith("io.debezium.connector.jdbc.JdbcSinkConnectorTask")) {
                            sinkThreads.put(event.getThread("sampledThread").getJavaThreadId(), PEER_SINK);
                        }
                    }
                }
            }
        }
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStartTime().isBefore(from)
                        || event.getStartTime().isAfter(to)) {
                    continue;
                }
                String thread = event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName();
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                long threadId = event.getThread("sampledThread") == null ? -1L : event.getThread("sampledThread").getJavaThreadId();
                String sink = sinkOf(stack.getFrames());
                if (sink != null) {
                    sinkThreads.put(threadId, sink);
                } else if (runsSinkTask(stack.getFrames())) {
                    sink = sinkThreads.getOrDefault(threadId, WARP_SINK);
                }
                String sinkRole = sink;
                Role role = sinkRole != null ? ROLES.stream().filter(r -> r.label().equals(sinkRole)).findFirst().orElseThrow()
                        : role(thread == null ? "" : thread, stack.getFrames());
                total++;
                samplesByRole.merge(role, 1, Integer::sum);
                stagesByRole.computeIfAbsent(role, r -> new HashMap<>()).merge(stage(stack.getFrames()), 1, Integer::sum);
                leavesByRole.computeIfAbsent(role, r -> new HashMap<>()).merge(frameName(stack.getFrames().get(0)), 1, Integer::sum);
                callersByRole.computeIfAbsent(role, r -> new HashMap<>()).merge(nearestNonJdkFrame(stack.getFrames()), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("execution samples: ").append(total).append('\n');
        for (Role role : ROLES) {
            int n = samplesByRole.getOrDefault(role, 0);
            if (n == 0) {
                continue;
            }
            out.append("\n").append(role.label()).append(": ").append(n).append(" samples, ")
                    .append(percent(n, total)).append(" of all\n");
            for (Map.Entry<String, Integer> e : sorted(stagesByRole.get(role))) {
                out.append("  ").append(String.format("%6s", percent(e.getValue(), n))).append("  ").append(e.getKey()).append('\n');
            }
            out.append("  top leaf frames:\n");
            for (Map.Entry<String, Integer> e : sorted(leavesByRole.get(role)).subList(0,
                    Math.min(topFrames, leavesByRole.get(role).size()))) {
                out.append("  ").append(String.format("%6s", percent(e.getValue(), n))).append("  ").append(e.getKey()).append('\n');
            }
            out.append("  top frames outside the JDK (nearest the leaf):\n");
            for (Map.Entry<String, Integer> e : sorted(callersByRole.get(role)).subList(0,
                    Math.min(topFrames, callersByRole.get(role).size()))) {
                out.append("  ").append(String.format("%6s", percent(e.getValue(), n))).append("  ").append(e.getKey()).append('\n');
            }
        }
        return out.toString();
    }

    /** Warp's or the peer's sink, by its task class on the stack; null when neither is there. */
    private static String sinkOf(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (type(f).startsWith("io.citus.warp.sink.CitusSinkTask")) {
                return WARP_SINK;
            }
            if (type(f).startsWith("io.debezium.connector.jdbc.JdbcSinkConnectorTask")) {
                return PEER_SINK;
            }
        }
        return null;
    }

    private static boolean runsSinkTask(List<RecordedFrame> frames) {
        return frames.stream().anyMatch(f -> type(f).endsWith("WorkerSinkTask"));
    }

    private static String nearestNonJdkFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String t = type(f);
            if (!t.isEmpty() && !t.startsWith("java.") && !t.startsWith("jdk.") && !t.startsWith("sun.")) {
                return frameName(f);
            }
        }
        return "(JDK only)";
    }

    private static Role role(String thread, List<RecordedFrame> frames) {
        for (Role role : ROLES) {
            for (int i = frames.size() - 1; i >= Math.max(0, frames.size() - 40); i--) {
                if (role.bottomType().test(type(frames.get(i)))) {
                    return role;
                }
            }
        }
        return ROLES.stream().filter(r -> r.thread().test(thread)).findFirst().orElseThrow();
    }

    private static String stage(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            for (Stage stage : STAGES) {
                if (stage.frame().test(f)) {
                    return stage.label();
                }
            }
        }
        return "JDK/JVM only";
    }

    private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
        list.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        return list;
    }

    private static String percent(int part, int whole) {
        return whole == 0 ? "-" : String.format("%.1f%%", 100.0 * part / whole);
    }
}
