package io.citus.warp.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An Apicurio Registry (the Quarkus app, in-memory storage) in its own JVM on a free loopback port, for the Avro wire
 * format: started as its distribution runs it, {@code java -jar apicurio-registry-app-<version>-runner.jar}, and
 * stopped with this object. Its schemas live only as long as the process: a stream written through it can be read only
 * while it runs (a real deployment uses the registry's persistent storage).
 */
public final class SchemaRegistryProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryProcess.class);
    /** Where the unpacked registry app is: the schema-registry module's build output unless this property says. */
    public static final String HOME_PROPERTY = "warp.schema.registry.home";
    /** Quarkus starts in about 4 s on an idle machine; on a loaded 2-core one it took 50-80 s. */
    private static final Duration STARTUP = Duration.ofSeconds(240);

    private final Process process;
    private final URI url;
    private final Path log;
    private final Reaper reaper;

    private SchemaRegistryProcess(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
        this.reaper = new Reaper(process, "schema-registry");
    }

    /** Starts the registry found by {@link #home()}, its console in {@code workDir}, and waits until its API answers. */
    public static SchemaRegistryProcess start(Path workDir) {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(home(), workDir);
            } catch (PortTaken e) {
                last = e;
                LOG.warn("schema registry could not bind its port (attempt {}): {}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    private static SchemaRegistryProcess startOnce(Path home, Path workDir) {
        try {
            Path dir = Files.createDirectories(workDir);
            int port = Ports.free();
            Path log = dir.resolve("schema-registry-" + port + ".log");
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.http.host=127.0.0.1");
            // No usage statistics, no banner; the in-memory storage is the app's default.
            command.add("-Dquarkus.banner.enabled=false");
            command.add("-jar");
            command.add(runnerJar(home).toString());
            Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            URI url = URI.create("http://127.0.0.1:" + port);
            LOG.info("schema registry pid {} starting at {} (log {})", process.pid(), url, log);
            SchemaRegistryProcess registry = new SchemaRegistryProcess(process, url, log);
            try {
                registry.awaitReady();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long t0 = System.nanoTime();
        long deadline = t0 + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail();
                if (tail.contains("Address already in use") || tail.contains("Port already bound")) {
                    throw new PortTaken(url + ": " + tail.lines().filter(l -> l.contains("in use") || l.contains("bound"))
                            .findFirst().orElse("port in use"));
                }
                throw new IllegalStateException("schema registry exited with " + process.exitValue()
                        + " before it answered; end of its log " + log + ":\n" + tail);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    LOG.info("schema registry at {} ready after {} ms", url, (System.nanoTime() - t0) / 1_000_000);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the schema registry started", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the schema registry started", e);
            }
        }
        throw new IllegalStateException("schema registry " + url + " did not answer within " + STARTUP + "; end of its log "
                + log + ":\n" + tail());
    }

    /** The registry's native API, which Apicurio's converters use: {@code apicurio.registry.url}. */
    public String apiUrl() {
        return url + "/apis/registry/v2";
    }

    /** The Confluent-compatible API (Confluent clients' {@code schema.registry.url}). */
    public String confluentApiUrl() {
        return url + "/apis/ccompat/v7";
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        reaper.forget();
    }

    @Override
    public String toString() {
        return "schema registry pid " + process.pid() + " at " + url;
    }

    /** The unpacked registry app: -Dwarp.schema.registry.home, or the schema-registry module's target/apicurio-registry. */
    public static Path home() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty(HOME_PROPERTY);
        if (property != null) {
            candidates.add(Paths.get(property));
        }
        candidates.add(Paths.get("schema-registry", "target", "apicurio-registry"));
        candidates.add(Paths.get("..", "schema-registry", "target", "apicurio-registry"));
        for (Path p : candidates) {
            try {
                runnerJar(p);
                return p.toAbsolutePath().normalize();
            } catch (IllegalStateException | IOException notHere) {
                // next candidate
            }
        }
        throw new IllegalStateException("the Apicurio Registry app (apicurio-registry-app-*-runner.jar) is not unpacked in any of "
                + candidates + "; build with `mvn -B -q package -DskipTests` (module schema-registry) or give -D" + HOME_PROPERTY);
    }

    private static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(home + " is not a directory");
        }
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + home));
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static final class PortTaken extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
