package io.citus.warp.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Options several commands share are declared once (a mixin): the same description and the same default in each
 * command. Before the mixins, {@code --timeout} was 600 s in cutover and 3600 s in migrate.
 */
@Tag("unit")
class SharedOptionsTest {

    @ParameterizedTest(name = "{0} in {1} and {2}")
    @CsvSource({
            "--no-fence, cutover, migrate, false",
            "--terminate-sessions, cutover, migrate, false",
            "--writer-grace, cutover, migrate, 5",
            "--fence-timeout, cutover, migrate, 60",
            "--sequence-margin, cutover, migrate, 1000",
            "--timeout, cutover, migrate, 3600",
            "--fenced-timeout, cutover, migrate, 600",
            "--chunk-size, cutover, migrate, 10000",
            "--source-config, start, migrate, {}",
            "--sink-config, start, migrate, {}",
            "--distribute, schema, migrate, []",
            "--reference, schema, migrate, []",
            "--initial-load, check, start, base-copy",
            "--initial-load, check, migrate, base-copy",
    })
    void sameDescriptionAndDefault(String option, String one, String other, String expectedDefault) {
        OptionSpec a = option(one, option);
        OptionSpec b = option(other, option);
        assertEquals(Arrays.asList(a.description()), Arrays.asList(b.description()), option);
        assertEquals(expectedDefault, String.valueOf((Object) a.getValue()), one + " " + option);
        assertEquals(expectedDefault, String.valueOf((Object) b.getValue()), other + " " + option);
    }

    private static OptionSpec option(String command, String name) {
        CommandLine cl = Warp.commandLine().getSubcommands().get(command);
        OptionSpec o = cl.getCommandSpec().findOption(name);
        assertNotNull(o, command + " has " + name);
        return o;
    }
}
