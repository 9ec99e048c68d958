package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessIdsTest {

    private final long parent = ProcessHandle.current().parent().orElseThrow().pid();

    @Test
    void procAndProcessHandleGiveThisProcessAndItsParent() {
        for (ProcessIds ids : new ProcessIds[] {ProcessIds.ofThisPlatform(), new ProcessIds(false)}) {
            assertEquals(ProcessHandle.current().pid(), ids.pid());
            assertEquals(parent, ids.parentPid(-1));
        }
    }

    @Test
    void thePidIsReadOnceAndKept() {
        var reads = new java.util.concurrent.atomic.AtomicInteger();
        var ids = new ProcessIds(true) {
            @Override
            long readPid() {
                reads.incrementAndGet();
                return super.readPid();
            }
        };

        for (int i = 0; i < 3; i++) {
            assertEquals(ProcessHandle.current().pid(), ids.pid());
        }
        assertEquals(1, reads.get());
    }

    @Test
    void procGivesThisProcesssGroupAsPsSeesIt() throws Exception {
        Process ps = new ProcessBuilder("ps", "-o", "pgid=", "-p", Long.toString(ProcessHandle.current().pid())).start();
        String group = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        ps.waitFor();
        assertEquals(Long.parseLong(group), ProcessIds.ofThisPlatform().groupId());
    }
}
