package io.citus.warp.testing;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.embedded.Closeables;
import io.citus.warp.embedded.ConnectWorker;
import io.citus.warp.embedded.LocalPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * The servers every end-to-end test shares, started once per test JVM: a source PostgreSQL
 * (wal_level=logical), a target PostgreSQL, a Kafka broker and a distributed Connect worker whose
 * plugin.path holds the unpacked plugin archives (Debezium's and our sink's, as built).
 * Tests isolate themselves with their own databases, connectors, slots and topics ({@link Migration}).
 */
public final class TestEnvironment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestEnvironment.class);
    private static final String CONNECT_GROUP = "warp-test-connect";

    private final Path workDir;
    private final LocalPostgres source;
    private final LocalPostgres target;
    private final KafkaUnderTest kafka;
    private final Path pluginPath;
    private final Path secretsFile;
    private ConnectWorker worker;
    private ConnectClient connect;

    private TestEnvironment() {
        try {
            workDir = Files.createTempDirectory("warp-e2e");
            long t0 = System.nanoTime();
            pluginPath = pluginPath();
            kafka = KafkaUnderTest.fromSystemProperty(workDir);
            source = LocalPostgres.start();
            target = LocalPostgres.start();
            // Trust authentication: any password works, but the shipped configs read it from a secrets file.
            secretsFile = workDir.resolve("warp-secrets.properties");
            Files.writeString(secretsFile, "source.password=unused\ntarget.password=unused\n");
            startWorker();
            LOG.info("test environment up in {} ms (kafka {}, connect {})",
                    (System.nanoTime() - t0) / 1_000_000, kafka.bootstrapServers(), connect.baseUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestEnvironment start() {
        return new TestEnvironment();
    }

    /** The unpacked plugins; surefire passes the build's directory, an IDE run falls back to target/plugins. */
    static Path pluginPath() {
        Path path = Paths.get(System.getProperty("warp.plugin.path", "target/plugins"));
        if (!Files.isDirectory(path.resolve("citus-warp-sink")) || !Files.isDirectory(path.resolve("debezium-connector-postgres"))) {
            throw new IllegalStateException("plugin archives are not unpacked in " + path.toAbsolutePath()
                    + "; build with `mvn verify` (it unpacks them in the generate-resources phase)");
        }
        return path;
    }

    private void startWorker() {
        worker = ConnectWorker.start(kafka.bootstrapServers(), pluginPath, CONNECT_GROUP, Map.of());
        connect = new ConnectClient(worker.restUrl());
    }

    /** Stops the whole Connect worker and starts a new one in the same Connect cluster. */
    public synchronized void restartWorker() {
        worker.close();
        startWorker();
    }

    public LocalPostgres source() {
        return source;
    }

    public LocalPostgres target() {
        return target;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public synchronized ConnectClient connect() {
        return connect;
    }

    public Path secretsFile() {
        return secretsFile;
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        Closeables.closeAll(worker, kafka, source, target);
    }
}
