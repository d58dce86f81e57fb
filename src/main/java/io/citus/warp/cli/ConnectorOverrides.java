package io.citus.warp.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --source-config} / {@code --sink-config}: settings over the shipped connector configs (start, migrate). */
public final class ConnectorOverrides {
    @Option(names = "--source-config", paramLabel = "KEY=VALUE", description = "Extra or overriding source connector setting (repeatable).")
    Map<String, String> source = new LinkedHashMap<>();

    @Option(names = "--sink-config", paramLabel = "KEY=VALUE", description = "Extra or overriding sink connector setting (repeatable).")
    Map<String, String> sink = new LinkedHashMap<>();
}
