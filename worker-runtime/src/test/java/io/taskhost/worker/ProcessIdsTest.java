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
}
