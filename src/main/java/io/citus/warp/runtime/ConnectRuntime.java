package io.citus.warp.runtime;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.embedded.KafkaBroker;
import io.citus.warp.embedded.WarpHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kafka Connect cluster (and its Kafka) that a command drives: an existing one given by URL, or an
 * embedded single-node Kafka broker in this process with a Connect worker in a child JVM, loading the
 * plugins from the plugin path ({@code -Dwarp.plugin.path}, {@code src/target/plugins}, or {@code plugins/}
 * next to the warp jar). An embedded cluster lives only as long as this process.
 * <p>
 * The worker is a child JVM from Kafka's runtime jars alone ({@code -Dwarp.kafka.libs}, the kafka-libs
 * module's build output, or {@code kafka-libs/} next to the jar), not a worker inside warp's JVM: warp's
 * own class path (Jackson, connect-json, PgJDBC) would be the plugins' parent class path there and hide
 * class-loading faults that a real Connect cluster shows, so the demo could pass where a cluster fails.
 */
public final class ConnectRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectRuntime.class);
    public static final String SOURCE_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    public static final String SINK_CLASS = "io.citus.warp.sink.CitusSinkConnector";

    private final ConnectClient client;
    private final KafkaClients kafka;
    private final KafkaBroker broker;
    private final ConnectWorkerProcess worker;

    private ConnectRuntime(ConnectClient client, KafkaClients kafka, KafkaBroker broker, ConnectWorkerProcess worker) {
        this.client = client;
        this.kafka = kafka;
        this.broker = broker;
        this.worker = worker;
    }

    /** @param kafka the cluster's bootstrap servers and client properties (--bootstrap-servers, --kafka-config) */
    public static ConnectRuntime remote(String connectUrl, KafkaClients kafka) {
        return new ConnectRuntime(new ConnectClient(URI.create(connectUrl)), kafka, null, null);
    }

    /** Starts Kafka in this JVM and a Connect worker in a child JVM. */
    public static ConnectRuntime embedded() {
        return embedded((String) null);
    }

    /**
     * An embedded broker and worker whose file config provider may read only ~/.warp (where warp writes secrets files)
     * and the directory of {@code secretsFile}, if given.
     */
    public static ConnectRuntime embedded(String secretsFile) {
        String allowed = WarpHome.dir().toString();
        if (secretsFile != null) {
            Path dir = Path.of(secretsFile).toAbsolutePath().getParent();
            allowed += dir == null ? "" : "," + dir;
        }
        return startEmbedded(Map.of("config.providers.file.param.allowed.paths", allowed));
    }

    private static ConnectRuntime startEmbedded(Map<String, String> workerOverrides) {
        Path plugins = pluginPath();
        Path kafkaLibs = ConnectWorkerProcess.kafkaLibs();
        try {
            Path work = Files.createTempDirectory("warp-embedded");
            long t0 = System.nanoTime();
            KafkaBroker broker = KafkaBroker.start(work);
            ConnectWorkerProcess worker;
            try {
                worker = ConnectWorkerProcess.start(kafkaLibs, broker.bootstrapServers(), plugins, "warp-embedded",
                        workerOverrides, work.resolve("connect"));
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            LOG.info("embedded Kafka {} and Connect {} (pid {}, log {}) up in {} ms", broker.bootstrapServers(),
                    worker.restUrl(), worker.pid(), worker.log(), (System.nanoTime() - t0) / 1_000_000);
            return new ConnectRuntime(new ConnectClient(worker.restUrl()), KafkaClients.of(broker.bootstrapServers()), broker, worker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the embedded worker finds the connector plugins; fails naming every place it looked. */
    public static Path pluginPath() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("warp.plugin.path");
        if (property != null) {
            candidates.add(Paths.get(property));
        }
        candidates.add(Paths.get("src", "target", "plugins"));
        candidates.add(Paths.get("target", "plugins"));
        try {
            Path jar = Paths.get(ConnectRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(jar) ? jar.getParent() : jar.getParent();
            if (dir != null) {
                candidates.add(dir.resolve("plugins"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            LOG.debug("cannot locate the warp jar", e);
        }
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("debezium-connector-postgres")) && Files.isDirectory(p.resolve("citus-warp-sink"))) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("the Connect plugins (debezium-connector-postgres, citus-warp-sink) are not in any of "
                + candidates + "; build with `mvn -B -q package -DskipTests` or give -Dwarp.plugin.path");
    }

    public ConnectClient client() {
        return client;
    }

    /** Kafka bootstrap servers, or null when not known (remote Connect without --bootstrap-servers). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** warp's own Kafka clients for this cluster. */
    public KafkaClients kafka() {
        return kafka;
    }

    public boolean isEmbedded() {
        return worker != null;
    }

    @Override
    public void close() {
        if (worker != null) {
            try {
                worker.close();
            } catch (RuntimeException e) {
                LOG.warn("embedded Connect worker did not stop cleanly", e);
            }
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                LOG.warn("embedded Kafka broker did not stop cleanly", e);
            }
        }
    }
}
