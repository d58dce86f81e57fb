package io.citus.warp.testing;

import io.citus.warp.embedded.KafkaBroker;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;

/**
 * The Kafka broker the end-to-end tests run against: the embedded KRaft broker by default, or a
 * Testcontainers Kafka when {@code -Dwarp.test.kafka=testcontainers} (which needs a Docker engine).
 */
public interface KafkaUnderTest extends AutoCloseable {
    String PROPERTY = "warp.test.kafka";

    String bootstrapServers();

    @Override
    void close();

    static KafkaUnderTest fromSystemProperty(Path workDir) {
        String choice = System.getProperty(PROPERTY, "embedded");
        return switch (choice) {
            case "embedded" -> embedded(workDir);
            case "testcontainers" -> testcontainers();
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be embedded or testcontainers, not " + choice);
        };
    }

    static KafkaUnderTest embedded(Path workDir) {
        KafkaBroker broker = KafkaBroker.start(workDir);
        return new KafkaUnderTest() {
            public String bootstrapServers() {
                return broker.bootstrapServers();
            }

            public void close() {
                broker.close();
            }
        };
    }

    /** Aborts (skips) the calling test, saying why, when no Docker engine is reachable. */
    static KafkaUnderTest testcontainers() {
        boolean docker;
        String reason;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
            reason = "no Docker engine answered";
        } catch (RuntimeException | LinkageError e) {
            docker = false;
            reason = e.toString();
        }
        Assumptions.assumeTrue(docker, "Testcontainers Kafka needs a Docker engine (" + reason
                + "); run without -D" + PROPERTY + "=testcontainers to use the embedded broker");
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1");
        container.start();
        return new KafkaUnderTest() {
            public String bootstrapServers() {
                return container.getBootstrapServers();
            }

            public void close() {
                container.stop();
            }
        };
    }
}
