package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.worker.DurationText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the systemd unit must agree on with the host; SystemdUnitIT has systemd itself check the rest. */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("src/main/dist/systemd/taskhost.service");

    /** How long a worker gets between SIGTERM and SIGKILL (WorkerLauncher's KILL_GRACE). */
    private static final Duration WORKER_KILL_GRACE = Duration.ofSeconds(5);

    /** The values of {@code key=} lines in the [Service] section, in order. */
    private static List<String> service(String key) throws IOException {
        List<String> values = new ArrayList<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                section = trimmed;
            } else if (section.equals("[Service]") && trimmed.startsWith(key + "=")) {
                values.add(trimmed.substring(key.length() + 1));
            }
        }
        return values;
    }

    private static String runDefault(String option) {
        return new CommandLine(new RunCommand()).getCommandSpec().findOption(option).defaultValue();
    }

    @Test
    void systemdWaitsLongerForAStopThanTheHostTakes() throws IOException {
        Duration timeoutStop = DurationText.parse(service("TimeoutStopSec").get(0));
        Duration hostStop = DurationText.parse(runDefault("--shutdown-grace")).plus(WORKER_KILL_GRACE);
        assertTrue(timeoutStop.compareTo(hostStop) > 0, "TimeoutStopSec " + timeoutStop
                + " must exceed the default shutdown grace plus the worker kill grace, " + hostStop
                + ", or systemd kills the host before it hands running tasks back");
        assertEquals(List.of("mixed"), service("KillMode"), "SIGTERM to the host alone: it stops its own workers");
    }

    @Test
    void theUnitSetsOnlyVariablesTaskhostReads() throws IOException {
        Set<String> known = new TreeSet<>(Set.of("TASKHOST_CONFIG"));
        new CommandLine(new RunCommand()).getCommandSpec().options().forEach(option ->
                known.add(SettingsDefaults.environmentName(option.longestName().replaceFirst("^--", ""))));
        Set<String> unknown = new TreeSet<>();
        for (String assignment : service("Environment")) {
            String name = assignment.substring(0, assignment.indexOf('='));
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        assertEquals(Set.of(), unknown, "Environment= lines of " + UNIT + " that taskhost does not read");
    }

    @Test
    void theCacheDirIsWritableInsideTheSandbox() throws IOException {
        assertEquals(List.of("strict"), service("ProtectSystem"));
        String cacheDir = service("Environment").stream().filter(value -> value.startsWith("TASKHOST_CACHE_DIR="))
                .map(value -> value.substring(value.indexOf('=') + 1)).findFirst().orElseThrow();
        List<String> writable = service("ReadWritePaths").stream()
                .flatMap(value -> Arrays.stream(value.split("\\s+"))).toList();
        assertTrue(writable.contains(cacheDir), cacheDir + " is not among ReadWritePaths " + writable);
    }

    @Test
    void theUnitRequiresTheSandboxAndLetsItMakeNamespacesAndCgroups() throws IOException {
        assertTrue(service("Environment").contains("TASKHOST_WORKER_SANDBOX=required"));
        for (String breaksTheSandbox : List.of("RestrictNamespaces", "PrivateUsers", "ProtectProc",
                "ProtectControlGroups", "ProtectKernelTunables", "ProtectKernelLogs")) {
            assertEquals(List.of(), service(breaksTheSandbox), breaksTheSandbox + "= keeps bubblewrap or the"
                    + " per-worker cgroups from working");
        }
        List<String> delegated = service("Delegate").stream().flatMap(value -> Arrays.stream(value.split("\\s+")))
                .toList();
        assertTrue(delegated.containsAll(List.of("pids", "memory")), "Delegate= " + delegated);
    }
}
