package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.deploy.MetricsDoc;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.citus.warp.cli.WarpRun.warp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Prometheus user sees during a migration: a Connect worker in its own JVM with Prometheus' JMX exporter
 * javaagent and the shipped rules (deploy/metrics/jmx-exporter.yaml), a migration run by {@code warp start} with the
 * base copy, and the worker's /metrics endpoint scraped as Prometheus scrapes it. Every sink metric exists and moves;
 * the lag rises while the sink is held for the base copy and while it is paused, and returns to 0 once it has caught up.
 */
@EndToEnd
class PrometheusMetricsEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusMetricsEndToEndTest.class);
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Path RULES = Paths.get("..", "deploy", "metrics", "jmx-exporter.yaml").toAbsolutePath().normalize();

    @Test
    void aMigrationShowsEveryMetricMovingAndTheLagRisingWhileTheSinkIsHeldOrPaused(TestEnvironment env) throws Exception {
        Path agent = Paths.get(System.getProperty("warp.jmx.exporter.agent", "target/agents/jmx_prometheus_javaagent.jar"));
        assertTrue(Files.isRegularFile(agent), "the JMX exporter javaagent is copied by the build: " + agent);
        int port = freePort();
        URI metricsUrl = URI.create("http://127.0.0.1:" + port + "/metrics");
        Map<String, List<String>> samples = new LinkedHashMap<>();
        try (Migration m = new Migration(env, "prometheus");
             ConnectWorkerProcess worker = ConnectWorkerProcess.start(ConnectWorkerProcess.kafkaLibs(), env.bootstrapServers(),
                     Paths.get(System.getProperty("warp.plugin.path", "target/plugins")), "warp-metrics-connect", Map.of(),
                     env.workDir().resolve("connect-metrics"), List.of("-javaagent:" + agent.toAbsolutePath() + "=127.0.0.1:" + port + ":" + RULES))) {
            String name = m.id().replace('_', '-');
            String sink = "warp-" + name + "-sink";
            String source = "warp-" + name + "-source";
            String sinkLabels = "connector=\"" + sink + "\"";
            ConnectClient connect = new ConnectClient(worker.restUrl());
            List<String> common = List.of(
                    "--source", env.source().jdbcUrl(m.sourceDatabase()) + "?user=" + env.source().user(),
                    "--target", env.target().jdbcUrl(m.targetDatabase()) + "?user=" + env.target().user(),
                    "--name", name, "--connect-url", worker.restUrl().toString(), "--bootstrap-servers", env.bootstrapServers(),
                    "--secrets-file", env.secretsFile().toString(), "--tables", "public.acct,public.hist");

            // The plugin's version is the build's, as Connect lists it.
            JsonNode plugins = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    worker.restUrl().resolve("connector-plugins")).build(), HttpResponse.BodyHandlers.ofString()).body());
            String expectedVersion = System.getProperty("warp.version");
            boolean listed = false;
            for (JsonNode p : plugins) {
                if (p.path("class").asText().equals("io.citus.warp.sink.CitusSinkConnector")) {
                    assertEquals(expectedVersion, p.path("version").asText(), "Connect shows the build's version: " + plugins);
                    listed = true;
                }
            }
            assertTrue(listed, plugins.toString());

            m.sourceSql("CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)",
                    "INSERT INTO acct SELECT g, g FROM generate_series(1, 3000) g",
                    "CREATE TABLE hist (id bigserial PRIMARY KEY, acct int NOT NULL, delta int NOT NULL)",
                    "INSERT INTO hist (acct, delta) SELECT g, 1 FROM generate_series(1, 100) g", "ANALYZE");
            assertEquals(Warp.OK, warp(withCommand("schema", common)).code());

            // The base copy stalls on the target table (a writer's lock), so the sink is held meanwhile.
            Connection blocker = m.target();
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE acct IN SHARE MODE");
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> writeLoad(m, writing));
            List<String> startArgs = new ArrayList<>(List.of(withCommand("start", common)));
            startArgs.addAll(List.of("--copy-range-rows", "500"));
            CompletableFuture<WarpRun> start = CompletableFuture.supplyAsync(() -> warp(startArgs.toArray(String[]::new)));

            Scrape held = Eventually.await(WAIT, "the sink held for the base copy, with records waiting",
                    () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_held_for_base_copy", sinkLabels) == 1 && s.value("warp_sink_replication_lag_ms", sinkLabels) > 0
                            && s.value("warp_sink_base_copy_ranges", sinkLabels) > 0);
            Scrape heldLater = lagRises(metricsUrl, held, "held for the base copy", samples, sinkLabels);
            assertTrue(heldLater.value("warp_sink_records_pending", sinkLabels) > 0);
            assertEquals(0, heldLater.value("warp_sink_transactions_applied_total", sinkLabels));
            assertTrue(heldLater.value("warp_sink_base_copy_ranges_copied", sinkLabels) < heldLater.value("warp_sink_base_copy_ranges", sinkLabels));

            blocker.commit();
            blocker.close();
            WarpRun started = start.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Warp.OK, started.code(), started.out() + started.err());

            Scrape streaming = Eventually.await(WAIT, "the base copy finished and transactions applied", () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_held_for_base_copy", sinkLabels) == 0
                            && s.value("warp_sink_transactions_applied_total", sinkLabels) > 0);
            assertEquals(streaming.value("warp_sink_base_copy_ranges", sinkLabels), streaming.value("warp_sink_base_copy_ranges_copied", sinkLabels));
            assertTrue(streaming.value("warp_sink_base_copy_rows_copied", sinkLabels) >= 3100);
            Thread.sleep(3_000);
            Scrape streamingLater = Eventually.await(WAIT, "more transactions applied", () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_transactions_applied_total", sinkLabels) > streaming.value("warp_sink_transactions_applied_total", sinkLabels));
            sample(samples, "streaming under load", streamingLater, sinkLabels);
            for (String counter : List.of("warp_sink_transactions_applied_total", "warp_sink_changes_applied_total", "warp_sink_target_commits_total",
                    "warp_sink_last_applied_commit_lsn", "warp_sink_last_apply_time_ms", "warp_sink_last_applied_source_commit_time_ms")) {
                assertTrue(streamingLater.value(counter, sinkLabels) > streaming.value(counter, sinkLabels), counter + " moves");
            }
            String debezium = "server=\"warp-" + name + "\"";
            Scrape debeziumMoved = Eventually.await(WAIT, "Debezium's streaming metrics", () -> Scrape.of(metricsUrl),
                    s -> s.value("debezium_postgres_streaming_events_seen_total", debezium) > streaming.value("debezium_postgres_streaming_events_seen_total", debezium)
                            && s.value("debezium_postgres_streaming_connected", debezium) == 1);
            assertTrue(debeziumMoved.has("debezium_postgres_streaming_milliseconds_behind_source", debezium));
            assertTrue(debeziumMoved.value("debezium_postgres_streaming_committed_transactions_total", debezium) > 0);
            assertTrue(debeziumMoved.value("kafka_connect_sink_task_sink_record_read_total", sinkLabels) > 0);
            assertEquals(1, debeziumMoved.value("kafka_connect_connector_task_status", sinkLabels, "status=\"running\"", "task=\"0\""));
            assertTrue(debeziumMoved.has("kafka_consumer_fetch_manager_records_lag", "topic=\"warp-" + name + ".changes\""));
            for (String metric : MetricsDoc.sinkMetricNames()) {
                String promName = "warp_sink_" + metric.replace('-', '_');
                assertTrue(debeziumMoved.has(promName, sinkLabels), promName + " is scraped");
            }

            writing.set(false);
            load.get(60, TimeUnit.SECONDS);
            Scrape caughtUp = Eventually.await(WAIT, "caught up: lag 0, nothing pending", () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_replication_lag_ms", sinkLabels) == 0 && s.value("warp_sink_records_pending", sinkLabels) == 0);
            sample(samples, "caught up", caughtUp, sinkLabels);

            // Paused: the task receives nothing, yet the lag rises once the source commits more.
            connect.pause(sink);
            Eventually.await(WAIT, "sink task paused", () -> Scrape.of(metricsUrl),
                    s -> s.value("kafka_connect_connector_task_status", sinkLabels, "status=\"paused\"", "task=\"0\"") == 1);
            m.sourceSql("INSERT INTO hist (acct, delta) VALUES (1, 5)", "INSERT INTO hist (acct, delta) VALUES (2, 5)");
            Scrape paused = Eventually.await(WAIT, "records waiting while paused", () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_records_pending", sinkLabels) > 0 && s.value("warp_sink_replication_lag_ms", sinkLabels) > 0);
            lagRises(metricsUrl, paused, "paused, records waiting", samples, sinkLabels);

            connect.resume(sink);
            Scrape resumed = Eventually.await(WAIT, "resumed and caught up", () -> Scrape.of(metricsUrl),
                    s -> s.value("warp_sink_replication_lag_ms", sinkLabels) == 0 && s.value("warp_sink_records_pending", sinkLabels) == 0
                            && s.value("warp_sink_transactions_applied_total", sinkLabels) > caughtUp.value("warp_sink_transactions_applied_total", sinkLabels));
            sample(samples, "resumed, caught up", resumed, sinkLabels);

            StringBuilder report = new StringBuilder("What a Prometheus user sees during a migration (" + sink + ", " + source + "):\n");
            samples.forEach((phase, lines) -> {
                report.append("== ").append(phase).append('\n');
                lines.forEach(l -> report.append("  ").append(l).append('\n'));
            });
            LOG.info("{}", report);
            Files.writeString(Paths.get("target", "prometheus-metrics-sample.txt"), report);

            WarpRun finish = warp(withCommand("finish", common, "--force", "--delete-topics"));
            assertEquals(Warp.OK, finish.code(), finish.out() + finish.err());
        }
    }

    private static String[] withCommand(String command, List<String> common, String... more) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(common);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static void writeLoad(Migration m, AtomicBoolean writing) {
        try (Connection c = m.source(); Statement s = c.createStatement()) {
            int i = 0;
            while (writing.get()) {
                s.execute("INSERT INTO hist (acct, delta) VALUES (" + (1 + i % 3000) + ", 1)");
                i++;
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("write load failed", e);
        }
    }

    /** Scrapes again 4 s after {@code first} (both recorded as samples) and checks that the lag rose meanwhile. */
    private static Scrape lagRises(URI metricsUrl, Scrape first, String phase, Map<String, List<String>> samples, String sinkLabels)
            throws Exception {
        Thread.sleep(4_000);
        Scrape later = Scrape.of(metricsUrl);
        sample(samples, phase, first, sinkLabels);
        sample(samples, phase + ", 4 s later", later, sinkLabels);
        assertTrue(later.value("warp_sink_replication_lag_ms", sinkLabels) > first.value("warp_sink_replication_lag_ms", sinkLabels),
                "the lag rises while the sink is " + phase);
        return later;
    }

    private static void sample(Map<String, List<String>> samples, String phase, Scrape scrape, String sinkLabels) {
        samples.put(phase, scrape.lines(sinkLabels, "warp_sink_"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One scrape of the exporter's text format: its sample lines. */
    record Scrape(List<String> samples) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        static Scrape of(URI url) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return new Scrape(r.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList());
        }

        /** The value of the one sample of this metric whose labels contain every given label text; NaN when absent. */
        double value(String metric, String... labels) {
            List<Double> found = new ArrayList<>();
            for (String line : samples) {
                if (matches(line, metric, labels)) {
                    found.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
            if (found.size() > 1) {
                throw new AssertionError("several samples of " + metric + " " + List.of(labels) + ": " + found);
            }
            return found.isEmpty() ? Double.NaN : found.get(0);
        }

        boolean has(String metric, String... labels) {
            return samples.stream().anyMatch(l -> matches(l, metric, labels));
        }

        List<String> lines(String label, String prefix) {
            return samples.stream().filter(l -> l.startsWith(prefix) && l.contains(label)).toList();
        }

        private static boolean matches(String line, String metric, String... labels) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                return false;
            }
            for (String label : labels) {
                if (!line.contains(label)) {
                    return false;
                }
            }
            return true;
        }
    }
}
