package io.taskhost.worker;

/**
 * Runs one task in the calling JVM with the worker's own parameter binding and report, for
 * taskhost's testkit. A worker JVM runs tasks through {@link WorkerMain}; this entry point
 * skips the process, the stdin protocol and the host watchdog, nothing else.
 */
public final class InProcessWorker {

    private final ClassLoader plugin;

    /** @param plugin the loader that sees the plugin's classes, as the worker JVM's class path does */
    public InProcessWorker(ClassLoader plugin) {
        this.plugin = plugin;
    }

    /**
     * Runs the operation {@code assignment} names and reports how it ended; an exception of the
     * operation is reported, never thrown. The plugin's loader is the thread's context loader
     * meanwhile, as it is in a worker JVM.
     */
    public WorkerReport run(TaskAssignment assignment) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin);
        try {
            return new OperationCall(WorkerMain.newMapper(), plugin).run(assignment);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
