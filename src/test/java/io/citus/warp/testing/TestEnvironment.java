package io.citus.warp.testing;

import io.citus.warp.connect.ConnectClient;
import io.citus.warp.embedded.Closeables;
import io.citus.warp.embedded.ConnectWorker;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.embedded.LocalPostgres;
import io.citus.warp.embedded.SchemaRegistryProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * The servers every end-to-end test shares, started once per test JVM: a source PostgreSQL
 * (wal_level=logical), a target PostgreSQL, a Kafka broker and a distributed Connect worker whose
 * plugin.path holds the unpacked plugin archives (Debezium's and our sink's, as built).
 * Tests isolate themselves with their own databases, connectors, slots and topics ({@link Migration}).
 * <p>
 * The worker runs in its own JVM from Kafka's runtime jars only ({@link ConnectWorkerProcess}), as on a
 * real cluster, so the plugins meet the class path they meet there. {@code -Dwarp.test.connect=in-process}
 * runs it inside the test JVM instead (to debug a connector from an IDE); the suite must pass both ways.
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
    private static final String CONNECT_PROPERTY = "warp.test.connect";

    private final boolean separateJvm;
    private AutoCloseable worker;
    private ConnectClient connect;
    private JMXConnector jmx;
    private int workersStarted;
    private SchemaRegistryProcess schemaRegistry;

    private TestEnvironment() {
        try {
            workDir = Files.createTempDirectory("warp-e2e");
            String mode = System.getProperty(CONNECT_PROPERTY, "process");
            if (!mode.equals("process") && !mode.equals("in-process")) {
                throw new IllegalArgumentException("-D" + CONNECT_PROPERTY + " must be process or in-process, not " + mode);
            }
            separateJvm = mode.equals("process");
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
        URI restUrl;
        if (separateJvm) {
            ConnectWorkerProcess process = ConnectWorkerProcess.start(ConnectWorkerProcess.kafkaLibs(), kafka.bootstrapServers(),
                    pluginPath, CONNECT_GROUP, Map.of(), workDir.resolve("connect-" + (++workersStarted)));
            worker = process;
            restUrl = process.restUrl();
        } else {
            ConnectWorker inProcess = ConnectWorker.start(kafka.bootstrapServers(), pluginPath, CONNECT_GROUP, Map.of());
            worker = inProcess;
            restUrl = inProcess.restUrl();
        }
        connect = new ConnectClient(restUrl);
    }

    /**
     * Another worker of the same Connect cluster, in its own JVM, for tests that spread tasks over two workers (and kill
     * one); the caller closes or kills it. Needs the separate JVM.
     */
    public synchronized ConnectWorkerProcess startExtraWorker() {
        if (!separateJvm) {
            throw new IllegalStateException("a second worker needs -D" + CONNECT_PROPERTY + "=process");
        }
        return ConnectWorkerProcess.start(ConnectWorkerProcess.kafkaLibs(), kafka.bootstrapServers(), pluginPath, CONNECT_GROUP,
                Map.of(), workDir.resolve("connect-" + (++workersStarted)));
    }

    /** The REST URL of the worker this environment's Connect client talks to. */
    public synchronized URI workerRestUrl() {
        return connect.baseUrl();
    }

    /** Whether the Connect worker runs in its own JVM (the default) rather than in the test JVM. */
    public boolean workerInSeparateJvm() {
        return separateJvm;
    }

    /** The worker JVM's MBeans (Connect's and the connectors' metrics), through remote JMX as monitoring reads them. */
    public synchronized MBeanServerConnection workerJmx() throws IOException {
        if (!(worker instanceof ConnectWorkerProcess process)) {
            return ManagementFactory.getPlatformMBeanServer();
        }
        if (jmx == null) {
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(process.jmxServiceUrl()));
        }
        return jmx.getMBeanServerConnection();
    }

    /** Stops the whole Connect worker (SIGTERM to its JVM) and starts a new one in the same Connect cluster. */
    public synchronized void restartWorker() {
        Closeables.closeAll(jmx, worker);
        jmx = null;
        startWorker();
    }

    /**
     * Kills the worker's JVM with SIGKILL, as a crash does (no task stopped, no offset flushed, no
     * rebalance announced), and starts a new worker in the same Connect cluster. Needs the separate JVM.
     */
    public synchronized void killAndRestartWorker() {
        if (!(worker instanceof ConnectWorkerProcess process)) {
            throw new IllegalStateException("a worker inside the test JVM cannot be killed; run with -D" + CONNECT_PROPERTY + "=process");
        }
        Closeables.closeAll(jmx);
        jmx = null;
        process.kill();
        startWorker();
    }

    /** The worker's log file when it runs in its own JVM (null in-process: its log is the test JVM's). */
    public synchronized Path workerLog() {
        return worker instanceof ConnectWorkerProcess process ? process.log() : null;
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

    /** The Kafka broker, e.g. to kill and restart it ({@link KafkaUnderTest#killAndRestart()}). */
    public KafkaUnderTest kafka() {
        return kafka;
    }

    public synchronized ConnectClient connect() {
        return connect;
    }

    public Path secretsFile() {
        return secretsFile;
    }

    /**
     * The Apicurio Registry of the Avro wire format, in its own JVM, started on first use (only Avro tests pay for it)
     * and stopped with the environment. Schemas are kept in its memory for the whole run.
     */
    public synchronized SchemaRegistryProcess schemaRegistry() {
        if (schemaRegistry == null) {
            schemaRegistry = SchemaRegistryProcess.start(workDir.resolve("schema-registry"));
        }
        return schemaRegistry;
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        Closeables.closeAll(jmx, worker, schemaRegistry, kafka, source, target);
    }
}
