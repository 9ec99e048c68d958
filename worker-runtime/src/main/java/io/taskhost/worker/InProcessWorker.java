package io.taskhost.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
            ObjectMapper mapper = WorkerMain.newMapper();
            var natural = new NaturalJson(mapper.getFactory());
            var databind = new LazyDatabind(mapper);
            var call = new OperationCall(new ParamsBinder(natural, databind), new ResultEncoder(natural, databind),
                    plugin, ProcessIds.ofThisPlatform());
            return report(call.run(asRead(assignment)), mapper);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Assignment asRead(TaskAssignment a) {
        JsonNode params = a.params();
        return new Assignment(a.taskId(), a.attempt(), a.taskClass(), a.worker(), a.javaClass(), a.method(),
                params == null || params.isMissingNode() ? null : params.toString(), a.deadlineEpochMillis(),
                a.reportMarker());
    }

    private static WorkerReport report(Outcome outcome, ObjectMapper mapper) {
        try {
            JsonNode result = outcome.resultJson() == null ? null : mapper.readTree(outcome.resultJson());
            return new WorkerReport(outcome.passed(), result, outcome.error(), outcome.startedAt(),
                    outcome.finishedAt(), outcome.pid(), outcome.unrecoverable());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the worker wrote a result it cannot read back: " + outcome.resultJson(), e);
        }
    }
}
