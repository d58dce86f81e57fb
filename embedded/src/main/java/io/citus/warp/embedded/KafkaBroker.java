package io.citus.warp.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka cluster in KRaft mode (one process that is both controller and broker),
 * running in this JVM on loopback ports. Real Kafka server classes, formatted like
 * {@code kafka-storage format --standalone} would, with replication factors of one.
 */
public final class KafkaBroker implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    private final Path logDir;

    private KafkaBroker(KafkaRaftServer server, String bootstrapServers, String saslBootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
        this.logDir = logDir;
    }

    public static KafkaBroker start(Path workDir) {
        return start(workDir, Map.of());
    }

    /**
     * A broker with, besides its PLAINTEXT listener, a SASL_PLAINTEXT listener that accepts mechanism PLAIN for
     * {@code saslUsers} (user name to password), as a secured production cluster would; none when the map is empty.
     */
    public static KafkaBroker start(Path workDir, Map<String, String> saslUsers) {
        try {
            Path logDir = Files.createDirectories(workDir.resolve("kafka-logs"));
            int brokerPort = Ports.free();
            int saslPort = saslUsers.isEmpty() ? -1 : Ports.free();
            Map<String, Object> props = new HashMap<>(serverProperties(brokerPort, Ports.free(), logDir));
            if (!saslUsers.isEmpty()) {
                String sasl = ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
                props.put("listeners", props.get("listeners") + sasl);
                props.put("advertised.listeners", props.get("advertised.listeners") + sasl);
                props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
                StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
                saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
                props.put("sasl.enabled.mechanisms", "PLAIN");
                props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
            }
            format(logDir);

            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(server, "127.0.0.1:" + brokerPort,
                    saslUsers.isEmpty() ? null : "127.0.0.1:" + saslPort, logDir);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    /**
     * The configuration of a single-node KRaft cluster (broker and controller in one process) on loopback
     * ports, with replication factors of one; shared by the in-process broker and {@link KafkaBrokerProcess}.
     */
    static Map<String, String> serverProperties(int brokerPort, int controllerPort, Path logDir) {
        Map<String, String> props = new TreeMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("metadata.log.dir", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return props;
    }

    /** Formats the log directory as {@code kafka-storage format --standalone} would (a new cluster id). */
    static void format(Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(1)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .setDirectories(List.of(logDir.toString()))
                .run();
    }

    static void awaitReady(String bootstrapServers, long seconds) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.describeCluster().nodes().get(seconds, TimeUnit.SECONDS);
        }
    }

    private void awaitReady() throws Exception {
        awaitReady(bootstrapServers, 60);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The SASL_PLAINTEXT (PLAIN) listener, or null when started without SASL users. */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
