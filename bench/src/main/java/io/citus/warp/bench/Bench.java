package io.citus.warp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.connect.ConnectorTemplates.WireFormat;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark: Warp's Citus sink against Debezium's JDBC sink (the peer) and against raw COPY (the limit),
 * all in one run on the same servers and topic, so the ratios hold on a noisy machine. See docs/benchmarks.md.
 */
@Command(name = "warp-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks Warp's sink against Debezium's JDBC sink and raw COPY; writes bench-results.{csv,md}.")
public final class Bench implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);

    @Mixin
    BenchOptions options = new BenchOptions();

    public static void main(String[] args) {
        int code = new CommandLine(new Bench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // Kafka's and Connect's non-daemon threads must not keep a finished benchmark alive.
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        BenchResults results = run(options);
        Path out = options.output != null ? options.output
                : Files.isDirectory(Paths.get("bench")) ? Paths.get("bench", "target") : Paths.get("target");
        results.write(out);
        System.out.println();
        System.out.print(results.table());
        System.out.println();
        System.out.println("written: " + out.toAbsolutePath().resolve("bench-results.md") + " and bench-results.csv");
        return 0;
    }

    /** Runs every scenario and returns the figures (the caller writes them). */
    public static BenchResults run(BenchOptions options) throws Exception {
        BenchResults results = new BenchResults();
        results.environment("started", Instant.now().toString());
        options.describe().forEach((k, v) -> results.environment("option --" + k, v));
        try (BenchEnvironment env = BenchEnvironment.start()) {
            describe(env, results);
            if (options.compareBefore) {
                results.scenarioSuffix(" [json, before]");
                runFormat(env, options, results, WireFormat.JSON, BEFORE);
            }
            for (WireFormat format : options.wireFormats) {
                // Every format on fresh databases, slot and topic: the figures of one format never see another's records.
                results.scenarioSuffix(format == WireFormat.JSON ? "" : " [" + format.name().toLowerCase(java.util.Locale.ROOT) + "]");
                runFormat(env, options, results, format, Map.of());
            }
            results.scenarioSuffix("");
        }
        notes(results);
        results.environment("finished", Instant.now().toString());
        results.environment("load average at the end", loadAverage());
        return results;
    }

    /**
     * The source settings of before issue #24's changes, for --compare-before: no producer overrides (Kafka's defaults: no
     * compression, 16 KB batches, 5 ms linger), Debezium's context headers and its default batch and queue sizes.
     */
    static final Map<String, String> BEFORE = before();

    private static Map<String, String> before() {
        Map<String, String> edits = new java.util.HashMap<>();
        for (String key : new String[] {"producer.override.compression.type", "producer.override.linger.ms", "producer.override.batch.size",
            "max.batch.size", "max.queue.size", "extended.headers.enabled"}) {
            edits.put(key, null);
        }
        return java.util.Collections.unmodifiableMap(edits);
    }

    private static void runFormat(BenchEnvironment env, BenchOptions options, BenchResults results, WireFormat format,
                                  Map<String, String> sourceEdits) throws Exception {
        String suffix = (format == WireFormat.JSON ? "" : "_" + format.name().toLowerCase(java.util.Locale.ROOT))
                + (sourceEdits.isEmpty() ? "" : "_before");
        String prefix = "bench" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        LOG.info("pass {}{} starts at {} (topic {}.changes)", format, sourceEdits.isEmpty() ? "" : " (settings before #24)", Instant.now(),
                prefix);
        String sourceDb = env.sourceServer().createDatabase("bench_src" + suffix);
        try (Connection c = env.source().connect(sourceDb)) {
            BenchSchema.create(c);
            long t0 = System.nanoTime();
            BenchSchema.loadSnapshotTable(c, options.rows);
            LOG.info("source: {} rows in {} loaded in {} ms", options.rows, BenchSchema.SNAPSHOT_TABLE,
                    (System.nanoTime() - t0) / 1_000_000);
        }
        String warpDb = env.createTargetDatabase("bench_warp" + suffix);
        String peerDb = env.createTargetDatabase("bench_peer" + suffix);
        Connectors connectors = new Connectors(env, prefix, sourceDb, format, sourceEdits);
        BenchRun run = new BenchRun(env, connectors, options, results, sourceDb, warpDb, peerDb);
        try {
            if (options.scenarios.contains("basecopy")) {
                new BaseCopyScenario(run).run();
            }
            if (options.scenarios.contains("restcopy")) {
                new RestCopyScenario(run).run();
            }
            if (options.scenarios.contains("snapshot") || options.scenarios.contains("snapshot-e2e")) {
                new SnapshotScenario(run).run(!options.scenarios.contains("snapshot"));
            }
            if (options.scenarios.contains("streaming")) {
                new StreamingScenario(run).run();
            }
        } finally {
            for (String name : new String[] {BenchRun.WARP, BenchRun.PEER, SnapshotScenario.E2E, "source"}) {
                try {
                    connectors.delete(name);
                } catch (RuntimeException e) {
                    LOG.warn("could not delete connector {}", name, e);
                }
            }
        }
    }

    /** Which build of our sink ran: the plugin directory is filled from whatever the build resolved. */
    private static String sinkJarFingerprint() {
        try (var jars = Files.list(BenchEnvironment.pluginPath().resolve("citus-warp-sink"))) {
            Path jar = jars.filter(p -> p.getFileName().toString().startsWith("warp-sink-citus")).findFirst().orElse(null);
            if (jar == null) {
                return "not found";
            }
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar));
            return jar.getFileName() + " sha256 " + java.util.HexFormat.of().formatHex(digest, 0, 6) + ", built "
                    + Files.getLastModifiedTime(jar);
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void describe(BenchEnvironment env, BenchResults results) throws Exception {
        results.environment("git commit", gitCommit());
        results.environment("Warp sink plugin jar", sinkJarFingerprint());
        results.environment("machine", Runtime.getRuntime().availableProcessors() + " cores visible to the JVM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        results.environment("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        results.environment("source", env.sourceServer().version() + " (embedded, fsync=off, synchronous_commit=off)");
        results.environment("target", env.target().version() + (env.embeddedTarget()
                ? " (embedded, fsync=off, synchronous_commit=off)" : " (external: -D" + BenchEnvironment.CITUS_URL_PROPERTY + ")"));
        results.environment("Kafka", AppInfoParser.getVersion() + " (embedded KRaft broker, 1 partition) and Connect worker in this JVM");
        results.environment("load average at the start", loadAverage());
        HttpResponse<String> plugins = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(env.connect().baseUrl() + "connector-plugins?connectorsOnly=true")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode p : new ObjectMapper().readTree(plugins.body())) {
            String cls = p.path("class").asText();
            if (cls.startsWith("io.debezium.connector") || cls.startsWith("io.citus")) {
                results.environment("plugin " + cls, p.path("version").asText());
            }
        }
    }

    /** The machine's 1/5/15-minute load averages: on a shared machine they say how far to trust the absolute figures. */
    static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1") + " (1/5/15 min, "
                    + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (Exception e) {
            double one = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f (1 min)", one);
        }
    }

    private static void notes(BenchResults results) {
        results.note("Everything runs on one machine: source and target PostgreSQL, Kafka, Connect, Debezium, both sinks, the load "
                + "generator and the samplers. Absolute figures are noisy; each scenario measures Warp and the peer in the same run.");
        results.note("Sink-only snapshot times run from the PUT of the connector config (so they include task start-up and the "
                + "consumer joining its group) to the poll that saw every row; Warp and the peer run one after the other.");
        results.note("Streaming: both sinks consume the same topic at the same time, each into its own target database. Delay = "
                + "clock_timestamp() on the target minus mtime (source transaction start) of the newest history row visible there, "
                + "sampled every --sample-ms while the load runs.");
        results.note("Events are row changes (4 per TPC-B transaction); Debezium's BEGIN/END records are not counted.");
        results.note("CPU: 'task-thread' counts the Connect thread that runs the sink's put() (where both sinks do their work); "
                + "'whole-JVM' counts everything in the process during a window where only that sink applies.");
    }
}
