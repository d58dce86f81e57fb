package io.citus.warp.basecopy.connect;

import io.citus.warp.basecopy.CopyCoordinator;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Warp's base copy as a Connect source connector: deployed by REST next to the Debezium source ({@code snapshot.mode=no_data})
 * and the Citus sink ({@code base.copy.slot}), it loads the existing rows by parallel COPY straight into the target. This
 * instance plans the copy and holds its snapshot ({@link CopyCoordinator}, on one thread of its own); the tasks
 * ({@code tasks.max} copy streams, placed by Connect over the cluster's workers) claim and copy the ranges. It writes no
 * records: its whole output is the target's rows and the copy's record in the progress schema, which the sink and
 * {@code warp status} read.
 */
public final class BaseCopyConnector extends SourceConnector {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyConnector.class);

    private Map<String, String> props;
    private CopyCoordinator coordinator;
    private Thread thread;

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        BaseCopyConfig config = new BaseCopyConfig(props);
        String name = props.getOrDefault("name", "base-copy");
        int tasks = Integer.parseInt(props.getOrDefault("tasks.max", "1"));
        coordinator = new CopyCoordinator(config.source(), config.target(), config.slot(), config.includeList(), config.mapping(),
                config.progressSchema(), config.options(Math.max(1, tasks)), config.slotWaitLogMs(), line -> { });
        thread = new Thread(() -> {
            try {
                coordinator.run();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.error("{}: the base copy failed: {}", name, e.getMessage());
                // The connector shows FAILED with this message (GET /connectors/<name>/status); the tasks go on waiting.
                context().raiseError(e);
            }
        }, "warp-basecopy-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BaseCopyTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> c = new HashMap<>(props);
            c.put(BaseCopyConfig.TASK_NUMBER, Integer.toString(i));
            configs.add(c);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (coordinator != null) {
            coordinator.stop();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public ConfigDef config() {
        return BaseCopyConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return super.validate(connectorConfigs);
    }

    @Override
    public String version() {
        return Version.get();
    }
}
