package io.taskhost.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.InProcessWorker;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.util.List;

/**
 * Runs tasks in the test's JVM through the worker runtime, with the worker's binding and report
 * but without its process: no time limit, no heap limit, and {@code System.exit} ends the test run.
 */
final class InProcessRunner implements TaskRunner {

    private final URLClassLoader plugin;
    private final ObjectMapper mapper;

    InProcessRunner(URLClassLoader plugin, ObjectMapper mapper) {
        this.plugin = plugin;
        this.mapper = mapper;
    }

    @Override
    public TaskOutcome run(TaskAssignment task, Routes.Operation operation) {
        WorkerReport report = new InProcessWorker(plugin).run(task);
        return Reports.outcome(task, asSent(report), List.of());
    }

    @Override
    public void close() {
        try {
            plugin.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Through JSON and back, as a worker's report travels, so that results compare alike in both modes. */
    private WorkerReport asSent(WorkerReport report) {
        try {
            return mapper.readValue(mapper.writeValueAsString(report), WorkerReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot pass on the report " + report, e);
        }
    }
}
