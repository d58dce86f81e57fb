package io.citus.warp.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kafka Connect distributed worker in its own JVM, started as {@code connect-distributed.sh} starts it:
 * {@code java -cp <Kafka's runtime jars> org.apache.kafka.connect.cli.ConnectDistributed worker.properties}, through
 * {@link ConnectWorkerMain}, which only removes Jetty's shutdown hook that can hang the worker's stop (see there).
 * Nothing else of warp is on its class path, so the plugins on {@code plugin.path} meet exactly the parent
 * class path (Kafka's connect-json, Jackson, ...) they meet on a real cluster. Workers started with the
 * same group id form one Connect cluster: a new process resumes what a stopped or killed one left.
 */
public final class ConnectWorkerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorkerProcess.class);
    public static final String MAIN_CLASS = ConnectWorkerMain.class.getName();
    /** Where the Kafka runtime jars are: the kafka-libs module's build output, or kafka-libs/ next to the warp jar. */
    public static final String KAFKA_LIBS_PROPERTY = "warp.kafka.libs";
    /** The worker JVM's -Xmx (default 2G, as connect-distributed.sh's KAFKA_HEAP_OPTS). */
    public static final String HEAP_PROPERTY = "warp.worker.heap";
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(60);

    private final Process process;
    private final URI restUrl;
    private final int jmxPort;
    private final Path log;
    private final Reaper reaper;

    private ConnectWorkerProcess(Process process, URI restUrl, int jmxPort, Path log) {
        this.process = process;
        this.restUrl = restUrl;
        this.jmxPort = jmxPort;
        this.log = log;
        // A test or CLI JVM that exits (normally, on an exception or SIGTERM) must not leave its worker behind.
        this.reaper = new Reaper(process, "connect-worker");
    }

    /**
     * Starts a worker of Connect cluster {@code groupId} and waits until its REST API answers.
     * {@code workDir} receives worker.properties, the Log4j 2 configuration and the worker's log.
     */
    public static ConnectWorkerProcess start(Path kafkaLibs, String bootstrapServers, Path pluginPath, String groupId,
                                             Map<String, String> overrides, Path workDir) {
        return start(kafkaLibs, bootstrapServers, pluginPath, groupId, overrides, workDir, List.of());
    }

    /**
     * As {@link #start(Path, String, Path, String, Map, Path)}, with extra JVM options for the worker (as KAFKA_OPTS adds
     * them to connect-distributed.sh), e.g. a {@code -javaagent:} such as Prometheus' JMX exporter.
     */
    public static ConnectWorkerProcess start(Path kafkaLibs, String bootstrapServers, Path pluginPath, String groupId,
                                             Map<String, String> overrides, Path workDir, List<String> jvmOptions) {
        IllegalStateException last = null;
        // The REST port is chosen here; another process on this machine may take it first, so try again.
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(kafkaLibs, bootstrapServers, pluginPath, groupId, overrides, workDir, jvmOptions);
            } catch (PortTaken e) {
                last = e;
                LOG.warn("Connect worker could not bind its REST port (attempt {}): {}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    private static ConnectWorkerProcess startOnce(Path kafkaLibs, String bootstrapServers, Path pluginPath, String groupId,
                                                  Map<String, String> overrides, Path workDir, List<String> jvmOptions) {
        try {
            Path dir = Files.createDirectories(workDir);
            int port = Ports.free();
            int jmxPort = Ports.free();
            Map<String, String> props = new TreeMap<>(ConnectWorker.workerProperties(bootstrapServers, pluginPath, groupId));
            props.put("listeners", "http://127.0.0.1:" + port);
            // Plugins are found through their ServiceLoader manifests only, as Kafka recommends for production
            // (connect-plugin-path.sh): a plugin class without a manifest is not found at all instead of being
            // found by the slow reflective scan (44 s here), so a shipped manifest that misses one shows.
            props.put("plugin.discovery", "service_load");
            props.putAll(overrides);
            Path workerProperties = dir.resolve("worker-" + port + ".properties");
            StringBuilder text = new StringBuilder("# written by warp for a Connect worker in its own JVM\n");
            props.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
            Files.writeString(workerProperties, text);
            Path log = dir.resolve("connect-" + port + ".log");
            Path log4j = dir.resolve("connect-log4j2.properties");
            Files.writeString(log4j, log4jConfig(log));

            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            // connect-distributed.sh's defaults: KAFKA_HEAP_OPTS and a headless JVM.
            command.add("-Xms256M");
            // -Dwarp.worker.heap sets a smaller heap, e.g. to show that a transaction larger than it still applies.
            command.add("-Xmx" + System.getProperty(HEAP_PROPERTY, "2G"));
            command.add("-Djava.awt.headless=true");
            // Remote JMX on loopback, as kafka-run-class.sh enables it when JMX_PORT is set: Connect's and
            // the connectors' metrics are read where monitoring reads them.
            command.add("-Dcom.sun.management.jmxremote");
            command.add("-Dcom.sun.management.jmxremote.port=" + jmxPort);
            command.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
            command.add("-Dcom.sun.management.jmxremote.host=127.0.0.1");
            command.add("-Dcom.sun.management.jmxremote.authenticate=false");
            command.add("-Dcom.sun.management.jmxremote.ssl=false");
            command.add("-Djava.rmi.server.hostname=127.0.0.1");
            command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(launcherClassPath(dir) + java.io.File.pathSeparator + classPath(kafkaLibs));
            command.add(MAIN_CLASS);
            command.add(workerProperties.toString());
            Path console = dir.resolve("connect-" + port + ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            LOG.info("Connect worker pid {} starting (group {}, REST port {}, log {})", process.pid(), groupId, port, log);
            URI restUrl = URI.create("http://127.0.0.1:" + port + "/");
            ConnectWorkerProcess worker = new ConnectWorkerProcess(process, restUrl, jmxPort, log);
            try {
                worker.awaitRest(console);
            } catch (RuntimeException e) {
                worker.kill();
                throw e;
            }
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitRest(Path console) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail(log) + tail(console);
                if (tail.contains("Address already in use") || tail.contains("Port already in use")) {
                    throw new PortTaken("REST port of " + restUrl + " or JMX port " + jmxPort + " already in use");
                }
                throw new IllegalStateException("Connect worker exited with " + process.exitValue()
                        + " before its REST API answered; end of its log " + log + ":\n" + tail);
            }
            try {
                // GET /connectors answers only once the herder has joined the group and read the config topic.
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(restUrl.resolve("connectors"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the Connect worker started", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Connect worker's REST API " + restUrl + " did not answer within " + STARTUP
                + "; end of its log " + log + ":\n" + tail(log));
    }

    public URI restUrl() {
        return restUrl;
    }

    /** The worker JVM's JMX endpoint (loopback, no authentication), for JMXConnectorFactory. */
    public String jmxServiceUrl() {
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi";
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the worker as an operator does (SIGTERM: tasks stop, offsets flush, it leaves the group). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Connect worker pid {} did not stop within {}; killing it", process.pid(), GRACEFUL_STOP);
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        reaper.forget();
    }

    /** Kills the worker as a crash does (SIGKILL): no task is stopped, no offset flushed, no group left. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reaper.forget();
    }

    @Override
    public String toString() {
        return "Connect worker pid " + process.pid() + " at " + restUrl;
    }

    /** The directory of Kafka's runtime jars: -Dwarp.kafka.libs, the build's kafka-libs output, or kafka-libs/ by the jar. */
    public static Path kafkaLibs() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty(KAFKA_LIBS_PROPERTY);
        if (property != null) {
            candidates.add(Paths.get(property));
        }
        candidates.add(Paths.get("kafka-libs", "target", "kafka-libs"));
        candidates.add(Paths.get("..", "kafka-libs", "target", "kafka-libs"));
        try {
            Path jar = Paths.get(ConnectWorkerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.getParent() != null) {
                candidates.add(jar.getParent().resolve("kafka-libs"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            LOG.debug("cannot locate the warp-embedded jar", e);
        }
        for (Path p : candidates) {
            if (hasConnectRuntime(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("Kafka's runtime jars (connect-runtime-*.jar and its dependencies) are not in any of "
                + candidates + "; build with `mvn -B -q package -DskipTests` (module kafka-libs) or give -D" + KAFKA_LIBS_PROPERTY);
    }

    private static boolean hasConnectRuntime(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("connect-runtime-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Every jar of the directory, as kafka-run-class.sh puts libs/* on the class path. */
    static String classPath(Path kafkaLibs) throws IOException {
        try (Stream<Path> files = Files.list(kafkaLibs)) {
            List<String> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .map(f -> f.toAbsolutePath().toString()).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("no jars in " + kafkaLibs);
            }
            return String.join(java.io.File.pathSeparator, jars);
        }
    }

    /** A directory holding {@link ConnectWorkerMain}'s class file only, for the worker's class path. */
    private static String launcherClassPath(Path workDir) throws IOException {
        String resource = ConnectWorkerMain.class.getSimpleName() + ".class";
        Path root = workDir.resolve("launcher");
        Path file = root.resolve(ConnectWorkerMain.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        try (var in = ConnectWorkerMain.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file of " + ConnectWorkerMain.class.getName() + " not found");
            }
            Files.write(file, in.readAllBytes());
        }
        return root.toAbsolutePath().toString();
    }

    /** Kafka's connect-log4j2 defaults: INFO to a file, Reflections' scanning noise off. */
    private static String log4jConfig(Path log) {
        return String.join("\n",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + log.toAbsolutePath().toString().replace("\\", "/"),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %X{connector.context}%m (%c:%L)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "logger.reflections.name = org.reflections",
                "logger.reflections.level = ERROR",
                "");
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final class PortTaken extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
