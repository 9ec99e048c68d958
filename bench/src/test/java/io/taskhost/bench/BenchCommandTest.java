package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's jar on the class path is all it takes for {@code taskhost} to offer {@code bench}. */
class BenchCommandTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void taskhostOffersTheBenchOfTheJarsOnItsClassPathThoughTheHostNamesNoneOfItsClasses() throws Exception {
        try (CliProcess help = CliProcess.start(temp, "--help")) {
            assertEquals(0, help.awaitExit(DEADLINE), help.output());
            assertTrue(help.stdout().lines().anyMatch(line -> line.startsWith("  bench ")), help.output());
        }
        try (CliProcess benchHelp = CliProcess.start(temp, "bench", "--help")) {
            assertEquals(0, benchHelp.awaitExit(DEADLINE), benchHelp.output());
            assertTrue(benchHelp.stdout().startsWith("Usage: taskhost bench "), benchHelp.output());
        }
    }
}
