package io.citus.warp.cli;

import io.citus.warp.common.TableName;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --distribute} / {@code --reference}: the Citus distribution plan of {@code warp schema} and {@code migrate --create-schema}. */
public final class DistributionOptions {
    @Option(names = "--distribute", split = ",", paramLabel = "TABLE:COLUMN", description = "Distribute TABLE by COLUMN (Citus; migrate: with --create-schema).")
    List<String> distribute = new ArrayList<>();

    @Option(names = "--reference", split = ",", paramLabel = "TABLE", description = "Make TABLE a reference table (Citus; migrate: with --create-schema).")
    List<String> reference = new ArrayList<>();

    boolean isEmpty() {
        return distribute.isEmpty() && reference.isEmpty();
    }

    /** {@code --distribute TABLE:COLUMN} values as a plan. */
    Map<TableName, String> distribution(CommandLine commandLine) {
        Map<TableName, String> plan = new LinkedHashMap<>();
        for (String s : distribute) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new ParameterException(commandLine, "--distribute wants TABLE:COLUMN, not " + s);
            }
            plan.put(TableName.parse(s.substring(0, colon)), s.substring(colon + 1));
        }
        return plan;
    }

    List<TableName> referenceTables() {
        return reference.stream().map(TableName::parse).toList();
    }
}
