package io.citus.warp.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Testcontainers path of {@link KafkaUnderTest}: runs where a Docker engine answers, and is
 * skipped with the reason everywhere else (the embedded broker serves the same tests there).
 */
@Tag("integration")
class TestcontainersKafkaTest {
    @Test
    void testcontainersKafkaServesTopicsOrSkipsWithoutDocker() throws Exception {
        try (KafkaUnderTest kafka = KafkaUnderTest.testcontainers();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("warp-probe", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            assertTrue(admin.listTopics().names().get(60, TimeUnit.SECONDS).contains("warp-probe"));
        }
    }
}
