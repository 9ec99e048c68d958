package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ProcessGroupsTest {

    @Test
    void aGroupSignalReachesAProcessItsLeaderLeftBehindAfterTheLeaderExited() throws Exception {
        try (var groups = ProcessGroups.ofThisPlatform()) {
            assumeTrue(groups.available(), "this machine has no setsid");
            List<String> command = new ArrayList<>(groups.commandPrefix());
            command.addAll(List.of("sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!"));
            Process leader = new ProcessBuilder(command).start();
            long orphan;
            try (var out = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.US_ASCII))) {
                orphan = Long.parseLong(out.readLine().trim());
            }
            leader.waitFor();
            try {
                assertTrue(alive(orphan), "the orphan outlives its parent");
                groups.signal(leader.pid(), "KILL");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (alive(orphan)) {
                    assertTrue(System.nanoTime() < deadline, "the orphan " + orphan + " survived its group's SIGKILL");
                    LockSupport.parkNanos(20_000_000L);
                }
            } finally {
                ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
