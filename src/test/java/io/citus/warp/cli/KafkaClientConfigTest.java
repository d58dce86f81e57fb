package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.embedded.KafkaBroker;
import io.citus.warp.embedded.LocalPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * warp's own Kafka clients on a secured cluster: a KRaft broker whose listener takes SASL_PLAINTEXT with PLAIN only.
 * {@code warp status --kafka-config FILE} (and {@code kafka-config=} in {@code --config}) reads the change topic's
 * end offset and the sink's group offset through it; with wrong credentials or none the lag is reported unknown with
 * the reason, and the password in the file never appears in the output.
 */
@Tag("integration")
class KafkaClientConfigTest {
    private static final String NAME = "kafkasec";
    private static final String TOPIC = "warp-" + NAME + ".changes";
    private static final String PASSWORD = "s3cret-Pw-9f2";
    private static final int RECORDS = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static KafkaBroker broker;
    private static LocalPostgres pg;
    /** Kafka's client and config loggers at INFO, where every client prints its config (secrets as [hidden]). */
    private static final StringWriter KAFKA_LOG = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("warp-kafka-sasl");
        broker = KafkaBroker.start(dir, Map.of("warp", PASSWORD));
        captureKafkaClientLogs(); // after the broker: its own config holds the users' passwords
        pg = LocalPostgres.start();
        pg.createDatabase("src");
        pg.createDatabase("dst");
        // The topic with records nobody applied yet, written through the broker's unsecured internal listener.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, ("r" + i).getBytes())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void statusReadsLagThroughTheClientPropertiesFile() throws Exception {
        Path file = clientConfig("right.properties", PASSWORD);
        WarpRun run = WarpRun.warp(status("--bootstrap-servers", broker.saslBootstrapServers(), "--kafka-config", file.toString(),
                "--json"));
        JsonNode s = JSON.readTree(run.out());
        assertEquals(RECORDS, s.path("endOffset").asLong(-1), run.out());
        assertEquals(RECORDS, s.path("lag").asLong(-1), "nothing applied yet: every record is behind\n" + run.out());
        assertNoSecret(run);

        WarpRun text = WarpRun.warp(status("--bootstrap-servers", broker.saslBootstrapServers(), "--kafka-config", file.toString()));
        assertTrue(text.out().contains("kafka lag    " + RECORDS + " record(s)"), text.out());
        assertNoSecret(text);
        assertTrue(KAFKA_LOG.toString().contains("sasl.jaas.config = [hidden]"), "the client's config log was captured");
    }

    @Test
    void kafkaConfigAndBootstrapServersFromTheSettingsFile() throws Exception {
        Path file = clientConfig("with-servers.properties", PASSWORD);
        Files.writeString(file, "bootstrap.servers=" + broker.saslBootstrapServers() + "\n" + Files.readString(file));
        Path settings = dir.resolve("warp.properties");
        Files.writeString(settings, "kafka-config=" + file + "\n");
        WarpRun run = WarpRun.warp(status("--config", settings.toString(), "--json"));
        assertEquals(RECORDS, JSON.readTree(run.out()).path("lag").asLong(-1), run.out() + run.err());
        assertNoSecret(run);
    }

    @Test
    void wrongCredentialsLeaveTheLagUnknownAndSayWhy() throws Exception {
        Path file = clientConfig("wrong.properties", "not-" + PASSWORD);
        WarpRun run = WarpRun.warp(status("--bootstrap-servers", broker.saslBootstrapServers(), "--kafka-config", file.toString(),
                "--json"));
        JsonNode s = JSON.readTree(run.out());
        assertTrue(s.path("lag").isNull(), run.out());
        String notes = s.path("notes").toString();
        assertTrue(notes.contains("Authentication failed"), notes);
        assertNoSecret(run);
    }

    @Test
    void withoutSecuritySettingsTheSecuredListenerGivesNoLag() throws Exception {
        // No security settings, as without a file: only shorter client timeouts than warp's (30 s), which this case
        // otherwise waits out in full, as the broker never completes a plaintext client's requests on its SASL listener.
        Path file = dir.resolve("timeouts-only.properties");
        Files.writeString(file, "default.api.timeout.ms=5000\nrequest.timeout.ms=5000\n");
        WarpRun run = WarpRun.warp(status("--bootstrap-servers", broker.saslBootstrapServers(), "--kafka-config", file.toString(),
                "--json"));
        JsonNode s = JSON.readTree(run.out());
        assertTrue(s.path("lag").isNull(), run.out());
        assertTrue(s.path("notes").toString().contains("not readable") || s.path("notes").toString().contains("lag unknown"),
                s.path("notes").toString());
    }

    @Test
    void anUnreadableFileIsAUsageErrorNamingTheFileOnly() {
        WarpRun run = WarpRun.warp(status("--bootstrap-servers", broker.saslBootstrapServers(),
                "--kafka-config", dir.resolve("missing.properties").toString()));
        assertEquals(Warp.USAGE, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("--kafka-config") && run.err().contains("missing.properties"), run.err());
    }

    private static String[] status(String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("status",
                "--source", pg.jdbcUrl("src") + "?user=" + pg.user(), "--target", pg.jdbcUrl("dst") + "?user=" + pg.user(),
                "--name", NAME, "--tables", "public.none"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static Path clientConfig(String fileName, String password) throws Exception {
        Path file = dir.resolve(fileName);
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"warp\" password=\""
                + password + "\";\n");
        return file;
    }

    private static void assertNoSecret(WarpRun run) {
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), "the password is never printed");
        assertFalse(KAFKA_LOG.toString().contains(PASSWORD), "the password is never logged");
    }

    private static void captureKafkaClientLogs() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        WriterAppender appender = WriterAppender.newBuilder().setName("kafka-client-capture").setTarget(KAFKA_LOG)
                .setLayout(PatternLayout.newBuilder().withPattern("%c{1}: %m%n").build()).build();
        appender.start();
        config.addAppender(appender);
        for (String logger : new String[] {"org.apache.kafka.clients", "org.apache.kafka.common.config.AbstractConfig"}) {
            LoggerConfig kafka = new LoggerConfig(logger, Level.INFO, false);
            kafka.addAppender(appender, Level.INFO, null);
            config.addLogger(logger, kafka);
        }
        LoggerConfig warp = config.getLoggerConfig("io.citus.warp");
        warp.addAppender(appender, Level.INFO, null);
        context.updateLoggers();
    }
}
