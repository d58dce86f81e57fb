package io.citus.warp.embedded;

import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kafka Connect worker in distributed mode, in this JVM, with its REST API on a loopback port.
 * It is the same worker a user runs with {@code connect-distributed.sh}: connectors are deployed
 * and observed only through REST, and plugins are loaded from {@code plugin.path} in isolation.
 */
public final class ConnectWorker implements AutoCloseable {
    private final Connect<?> connect;
    private final URI restUrl;

    private ConnectWorker(Connect<?> connect) {
        this.connect = connect;
        this.restUrl = connect.rest().advertisedUrl();
    }

    /**
     * The client settings the shipped connector configs override: the sink's consumer (consumer.override.*) and the
     * source's producer (producer.override.*, for large rows).
     */
    public static final String CLIENT_OVERRIDES = "max.poll.records,max.partition.fetch.bytes,fetch.max.bytes,isolation.level,"
            + "session.timeout.ms,heartbeat.interval.ms,max.request.size,buffer.memory";

    /**
     * Where the file config provider may read unless the caller says otherwise: warp's ~/.warp (created if missing:
     * the provider refuses a path that does not exist) and the temp directory.
     */
    public static String defaultSecretPaths() {
        return WarpHome.dir() + "," + java.nio.file.Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    /**
     * Starts a worker of the Connect cluster {@code groupId}. Workers started with the same group id
     * share configs, offsets and status (a restarted worker resumes where its predecessor stopped).
     */
    public static ConnectWorker start(String bootstrapServers, Path pluginPath, String groupId,
                                      Map<String, String> overrides) {
        Map<String, String> props = workerProperties(bootstrapServers, pluginPath, groupId);
        props.put("listeners", "http://127.0.0.1:0");
        props.putAll(overrides);
        // startConnect() calls Exit.exit on failure; in-process that must be an exception, not System.exit.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Connect worker failed to start (exit " + status + "): " + message);
        });
        // startConnect() also installs Connect's delegating class loader as this thread's context loader.
        ClassLoader callerLoader = Thread.currentThread().getContextClassLoader();
        try {
            return new ConnectWorker(new ConnectDistributed().startConnect(props));
        } finally {
            Exit.resetExitProcedure();
            Thread.currentThread().setContextClassLoader(callerLoader);
        }
    }

    /**
     * The distributed-worker settings every worker of warp's (in-process or in its own JVM) uses, without
     * {@code listeners}: internal topics of the group, JSON converters, plugin.path, the file config provider.
     */
    static Map<String, String> workerProperties(String bootstrapServers, Path pluginPath, String groupId) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", groupId);
        props.put("config.storage.topic", groupId + "-configs");
        props.put("offset.storage.topic", groupId + "-offsets");
        props.put("status.storage.topic", groupId + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        // REST has no authentication: loopback only. Connectors may override only the client settings the shipped
        // configs set; Principal would reject them, All would allow any client setting.
        props.put("connector.client.config.override.policy", "Allowlist");
        props.put("connector.client.config.override.allowlist", CLIENT_OVERRIDES);
        props.put("config.providers", "file");
        props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        // The file provider reads only where secrets files live, not every file this user can read (through validate).
        props.put("config.providers.file.param.allowed.paths", defaultSecretPaths());
        // Plugins are found through their ServiceLoader manifests instead of a reflective scan of every jar.
        props.put("plugin.discovery", "service_load");
        // A restarted single worker gets its tasks back at once instead of after the 5-minute default.
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("offset.flush.interval.ms", "5000");
        // Debezium must close its replication connection before a restarted task can take the slot
        // again; the default 5 s is too short on a busy machine, leaving the slot "active for PID ...".
        props.put("task.shutdown.graceful.timeout.ms", "30000");
        return props;
    }

    public URI restUrl() {
        return restUrl;
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
