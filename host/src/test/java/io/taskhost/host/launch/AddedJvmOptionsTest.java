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

class AddedJvmOptionsTest {

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
    void theJdkRunningTheseTestsStartsWithEveryOptionAddedForItsVersion() throws Exception {
        List<String> options = AddedJvmOptions.forWorker(OptionalInt.of(Runtime.version().feature()), 1);

        assertTrue(options.containsAll(QuietWhileWaiting.forJdk(OptionalInt.of(Runtime.version().feature()))));
        assertTrue(options.contains("-XX:ArchiveRelocationMode=0"), "the JDK the build runs on is one it was tried on");
        assertEquals(options.stream().distinct().toList(), options, "each option once");
        assertStartsWith(HOST_JAVA, options);
    }

    @Test
    void temurin25StartsWithEveryOptionAddedForItsVersion() throws Exception {
        assumeTrue(Files.isExecutable(TEMURIN_25), TEMURIN_25 + " is not installed");
        List<String> options = AddedJvmOptions.forWorker(OptionalInt.of(25), 1);

        assertTrue(options.contains("-XX:ArchiveRelocationMode=0"));
        assertStartsWith(TEMURIN_25, options);
    }

    @Test
    void aJvmForOneTaskCompilesLessEagerlyAndAReusedOneKeepsTheJdksCounts() {
        assertTrue(AddedJvmOptions.forWorker(OptionalInt.of(17), 1).contains(AddedJvmOptions.ONE_TASK_COMPILATION));
        assertTrue(AddedJvmOptions.forWorker(OptionalInt.empty(), 1).contains(AddedJvmOptions.ONE_TASK_COMPILATION),
                "a product option, known to every JDK a worker runs on");
        assertFalse(AddedJvmOptions.forWorker(OptionalInt.of(17), 2).contains(AddedJvmOptions.ONE_TASK_COMPILATION));
    }

    @Test
    void anUnknownOrUntriedJdkGetsNoDiagnosticOption() {
        for (OptionalInt feature : List.of(OptionalInt.empty(), OptionalInt.of(ArchivesAtTheirAddress.OLDEST_TRIED - 1),
                OptionalInt.of(ArchivesAtTheirAddress.NEWEST_TRIED + 1))) {
            assertEquals(List.of(AddedJvmOptions.ONE_TASK_COMPILATION), AddedJvmOptions.forWorker(feature, 1),
                    "for " + feature);
        }
    }
}
