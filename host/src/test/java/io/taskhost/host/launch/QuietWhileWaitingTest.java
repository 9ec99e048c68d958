package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuietWhileWaitingTest {

    private static final Path HOST_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    /** The adversary: a JVM refuses to start on an option it does not know, and then every task would fail. */
    private static void assertStartsWith(Path java, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(options);
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "java -version did not end");
        assertEquals(0, process.exitValue(), java + " refused " + options + ":\n" + output);
        assertFalse(output.contains("Ignoring option"), java + " ignored some of " + options + ":\n" + output);
    }

    @Test
    void theJdkRunningTheseTestsStartsWithTheOptionsForItsVersion() throws Exception {
        List<String> options = QuietWhileWaiting.forJdk(OptionalInt.of(Runtime.version().feature()));

        assertFalse(options.isEmpty(), "the JDK the build runs on is one the options were tried on");
        assertStartsWith(HOST_JAVA, options);
    }

    @Test
    void temurin25StartsWithTheOptionsForItsVersion() throws Exception {
        assumeTrue(Files.isExecutable(TEMURIN_25), TEMURIN_25 + " is not installed");
        List<String> options = QuietWhileWaiting.forJdk(OptionalInt.of(25));

        assertFalse(options.isEmpty());
        assertStartsWith(TEMURIN_25, options);
    }

    @Test
    void onlyJdk17To19GetTheRememberedSetSamplingOptionThatJdk20Removed() {
        assertTrue(QuietWhileWaiting.forJdk(OptionalInt.of(19)).stream()
                .anyMatch(option -> option.startsWith("-XX:G1ConcRefinementServiceIntervalMillis=")));
        assertTrue(QuietWhileWaiting.forJdk(OptionalInt.of(20)).stream()
                .noneMatch(option -> option.startsWith("-XX:G1ConcRefinementServiceIntervalMillis=")));
    }

    @Test
    void anUnknownOrUntriedJdkGetsNoOptions() {
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.empty()));
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.of(QuietWhileWaiting.OLDEST_TRIED - 1)));
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.of(QuietWhileWaiting.NEWEST_TRIED + 1)));
    }
}
