package io.citus.warp.runtime;

import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.TestEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change topic {@code warp start} creates takes the source config's record size; one that already exists with the
 * broker's default limit (made by hand, or by an earlier version) has it raised, since its first large row would
 * otherwise stop the source connector.
 */
@EndToEnd
class ChangeTopicTest {
    @Test
    void anExistingTopicWithTheBrokersDefaultLimitIsRaisedToTheSourceConfigs(TestEnvironment env) throws Exception {
        String topic = "changetopic-" + Long.toHexString(System.nanoTime()) + ".changes";
        Map<String, String> source = ConnectorTemplates.raw(ConnectorTemplates.SOURCE_POSTGRES);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
            assertEquals("1048588", maxMessageBytes(admin, topic), "the broker's default");
            List<String> log = new ArrayList<>();
            ChangeTopic.ensure(KafkaClients.of(env.bootstrapServers()), topic, source, log::add);
            assertEquals(source.get("topic.creation.default.max.message.bytes"), maxMessageBytes(admin, topic));
            assertTrue(log.stream().anyMatch(l -> l.contains("raised max.message.bytes of the existing topic " + topic)), log.toString());
            // Already high enough: left alone, nothing said.
            log.clear();
            ChangeTopic.ensure(KafkaClients.of(env.bootstrapServers()), topic, source, log::add);
            assertEquals(List.of(), log);
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    private static String maxMessageBytes(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("max.message.bytes").value();
    }
}
