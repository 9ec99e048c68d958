package io.taskhost.host.sandbox;

/**
 * What confines each worker JVM, and each class-data training run (which loads a plugin's classes), besides its heap.
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
