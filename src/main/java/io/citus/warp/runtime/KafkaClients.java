package io.citus.warp.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How warp's own Kafka clients (consumer lag, consumer-group and topic deletion) reach the cluster: the bootstrap
 * servers plus the client properties of a {@code --kafka-config} file (security.protocol, sasl.*, ssl.*, ...), as
 * Kafka's own tools take them with {@code --command-config}. The properties hold secrets, so {@link #toString()} and
 * every message name the file, never a value.
 */
public final class KafkaClients {
    private final String bootstrapServers;
    private final Map<String, Object> properties;
    private final Path file;

    private KafkaClients(String bootstrapServers, Map<String, Object> properties, Path file) {
        this.bootstrapServers = bootstrapServers;
        this.properties = Map.copyOf(properties);
        this.file = file;
    }

    /** Bootstrap servers only (an embedded or unsecured cluster); null: Kafka unknown. */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, Map.of(), null);
    }

    /**
     * @param bootstrapServers from --bootstrap-servers; when null, the file's {@code bootstrap.servers}, if any
     * @param file             a Kafka client properties file, or null
     * @throws IllegalArgumentException when the file cannot be read (the message names the file, not its contents)
     */
    public static KafkaClients of(String bootstrapServers, Path file) {
        if (file == null) {
            return of(bootstrapServers);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, Object> props = new HashMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        Object fromFile = props.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        String servers = bootstrapServers != null ? bootstrapServers : (String) fromFile;
        return new KafkaClients(servers, props, file);
    }

    /** Null when no bootstrap servers are known: warp then skips what needs Kafka and says so. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether client properties (security settings) were given besides the bootstrap servers. */
    public boolean hasProperties() {
        return !properties.isEmpty();
    }

    public boolean known() {
        return bootstrapServers != null;
    }

    /** An Admin client with warp's {@code defaults} (e.g. timeouts), overridden by the file's properties. */
    public Admin admin(Map<String, Object> defaults) {
        if (bootstrapServers == null) {
            throw new IllegalStateException("no Kafka bootstrap servers given");
        }
        Map<String, Object> config = new HashMap<>(defaults);
        config.putAll(properties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
    }

    /** Where the client properties came from, for messages ("with the client properties of FILE"); never their values. */
    public String describe() {
        return bootstrapServers + (file == null ? "" : " with the client properties of " + file);
    }

    @Override
    public String toString() {
        return "KafkaClients[" + describe() + "]";
    }
}
