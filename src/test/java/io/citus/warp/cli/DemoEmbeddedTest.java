package io.citus.warp.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code warp demo} as a user runs it: its own PostgreSQL servers and Kafka broker, and its Connect worker in a
 * child JVM from Kafka's runtime jars, loading both plugins in isolation; the shipped configs must migrate the
 * bank under load and the final verify must find the target equal to the source.
 */
@Tag("e2e")
class DemoEmbeddedTest {

    @Test
    void demoMigratesUnderLoadWithTheWorkerInItsOwnJvm() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "demo", "--branches", "2", "--accounts", "200", "--load-seconds", "5", "--write-pause", "50");
        String all = out + "\n" + err;
        assertEquals(Warp.OK, code, all);
        assertTrue(out.toString().contains("final verify: target equals source"), all);
        assertTrue(out.toString().matches("(?s).*write load stopped after [1-9][0-9]* transactions.*"), "the load ran: " + all);
    }
}
