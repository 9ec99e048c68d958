package io.taskhost.host.launch;

import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.host.sandbox.WorkerSandbox;

/**
 * What confines each worker JVM besides its heap.
 *
 * @param sandbox        the sandbox it runs in
 * @param limits         its process and memory limits
 * @param memoryHeadroom what it may use beyond its heap, as {@code -Xmx} sizes read: its memory limit is
 *                       its heap plus this
 */
public record WorkerIsolation(WorkerSandbox sandbox, WorkerLimits limits, String memoryHeadroom) {

    /** Neither sandbox nor limits, as with {@code --worker-sandbox=off}. */
    public static WorkerIsolation none() {
        return new WorkerIsolation(WorkerSandbox.none(), WorkerLimits.none(), "512m");
    }
}
