package io.citus.warp.testing;

import io.citus.warp.embedded.KafkaBroker;
import io.citus.warp.embedded.KafkaBrokerProcess;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;

/**
 * The Kafka broker the end-to-end tests run against: by default the embedded KRaft broker in its own JVM
 * ({@link KafkaBrokerProcess}, so that a test can kill it as a crash does), {@code -Dwarp.test.kafka=embedded}
 * in the test JVM, or a Testcontainers Kafka with {@code -Dwarp.test.kafka=testcontainers} (which needs a Docker engine).
 */
public interface KafkaUnderTest extends AutoCloseable {
    String PROPERTY = "warp.test.kafka";

    String bootstrapServers();

    @Override
    void close();

    /** Kills the broker with SIGKILL and starts it again on the same ports and log directory (only a broker in its own JVM). */
    default void killAndRestart() {
        throw new IllegalStateException("this Kafka broker cannot be killed; run with -D" + PROPERTY + "=process (the default)");
    }

    /** Whether {@link #killAndRestart()} works. */
    default boolean canCrash() {
        return false;
    }

    static KafkaUnderTest fromSystemProperty(Path workDir) {
        String choice = System.getProperty(PROPERTY, "process");
        return switch (choice) {
            case "process" -> process(workDir);
            case "embedded" -> embedded(workDir);
            case "testcontainers" -> testcontainers();
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be process, embedded or testcontainers, not " + choice);
        };
    }

    /** The broker in its own JVM, from this JVM's class path (which holds Kafka's server jar through warp-embedded). */
    static KafkaUnderTest process(Path workDir) {
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(System.getProperty("java.class.path"), workDir);
        return new KafkaUnderTest() {
            public String bootstrapServers() {
                return broker.bootstrapServers();
            }

            public void killAndRestart() {
                broker.killAndRestart();
            }

            public boolean canCrash() {
                return true;
            }

            public void close() {
                broker.close();
            }
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
