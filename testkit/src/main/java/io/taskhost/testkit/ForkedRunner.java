package io.taskhost.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.OutputLine;
import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerEnd;
import io.taskhost.worker.WorkerProcess;
import io.taskhost.worker.WorkerProtocol;
import io.taskhost.worker.WorkerReport;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs each task in a new worker JVM started as the host starts one:
 * {@code java <options> -Xmx<heap> -cp <runtime>:<plugin> WorkerMain}, the task on stdin, a
 * minimal environment, a scratch directory of its own, the report read behind a per-launch
 * marker and output lines cut as the host cuts them, the worker and its child processes killed
 * when the operation runs past its limit, and its process group killed once it has exited.
 */
final class ForkedRunner implements TaskRunner {

    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);
    private static final int REASON_TAIL_LINES = 20;
    private static final int MAX_OUTPUT_LINES = 10_000;

    private final Path java;
    private final String classPath;
    private final Path workDir;
    private final ObjectMapper mapper;
    private final ProcessGroups groups = ProcessGroups.ofThisPlatform();

    ForkedRunner(Path java, List<Path> classPath, Path workDir, ObjectMapper mapper) {
        this.java = java;
        this.classPath = classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        this.workDir = workDir;
        this.mapper = mapper;
    }

    @Override
    public TaskOutcome run(TaskAssignment task, Routes.Operation operation) {
        String marker = UUID.randomUUID().toString();
        Path scratch;
        Process process;
        try {
            scratch = Files.createTempDirectory(workDir, "taskhost-task-");
        } catch (IOException e) {
            return Reports.failed(task, "launch_failed", "could not make a scratch directory in " + workDir + ": "
                    + e.getMessage(), List.of());
        }
        try {
            List<String> options = new ArrayList<>(WorkerProcess.DEFAULT_JVM_OPTIONS);
            options.add("-Xmx" + operation.maxHeap());
            process = WorkerProcess.startInScratch(java, options, classPath, scratch,
                    WorkerProtocol.arguments(false, List.of(), 1, ProcessHandle.current().pid()), groups);
        } catch (IOException e) {
            delete(scratch);
            return Reports.failed(task, "launch_failed", "could not start a worker JVM with " + java + ": "
                    + e.getMessage(), List.of());
        }
        var report = new AtomicReference<OutputLine>();
        var output = new Output();
        Thread stdout = WorkerProcess.readLines(process.getInputStream(), "testkit-worker-stdout",
                line -> WorkerProtocol.reportJson(marker, line.text()).ifPresentOrElse(json -> report.set(line),
                        () -> output.add(line.shown())),
                () -> { });
        Thread stderr = WorkerProcess.readLines(process.getErrorStream(), "testkit-worker-stderr",
                line -> output.add(line.shown()), () -> { });
        try {
            writeTask(process.getOutputStream(), withMarker(task, marker));
            boolean exited = process.waitFor(operation.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                kill(process);
            }
            groups.signal(process.pid(), "KILL");
            stdout.join(OUTPUT_DRAIN.toMillis());
            stderr.join(OUTPUT_DRAIN.toMillis());
            return outcome(task, operation, marker, report.get(), exited, process.exitValue(), output.lines());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + task.taskClass() + "." + task.worker() + " ran", e);
        } finally {
            delete(scratch);
        }
    }

    @Override
    public void close() {
        groups.close();
    }

    private TaskOutcome outcome(TaskAssignment task, Routes.Operation operation, String marker, OutputLine reportLine,
                                boolean exited, int exitCode, List<String> output) {
        if (reportLine != null && !reportLine.cut()) {
            String reportJson = WorkerProtocol.reportJson(marker, reportLine.text()).orElseThrow();
            try {
                return Reports.outcome(task, mapper.readValue(reportJson, WorkerReport.class), output);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the worker sent a report the testkit cannot read: "
                        + reportLine.shown(), e);
            }
        }
        List<String> tail = output.subList(Math.max(0, output.size() - REASON_TAIL_LINES), output.size());
        WorkerEnd end = WorkerEnd.of(reportLine == null ? null : reportLine.bytes(), !exited, operation.timeout(),
                exitCode, tail, operation.maxHeap());
        return Reports.failed(task, end.kind().code(), end.reason(), output);
    }

    private void writeTask(OutputStream stdin, TaskAssignment task) {
        try (stdin) {
            stdin.write(mapper.writeValueAsBytes(task));
            stdin.write('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + task, e);
        } catch (IOException e) {
            // The worker died before it read its task; how it ended says why.
        }
    }

    private void kill(Process process) {
        try {
            WorkerProcess.killTree(process, KILL_GRACE, groups);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A directory a task made undeletable stays in java.io.tmpdir.
        }
    }

    /** What a worker printed besides its report: its last {@link #MAX_OUTPUT_LINES} lines, each cut to the host's cap. */
    private static final class Output {

        private final Deque<String> lines = new ArrayDeque<>();
        private long dropped;

        synchronized void add(String line) {
            if (lines.size() == MAX_OUTPUT_LINES) {
                lines.removeFirst();
                dropped++;
            }
            lines.addLast(line);
        }

        synchronized List<String> lines() {
            List<String> all = new ArrayList<>();
            if (dropped > 0) {
                all.add("… [" + dropped + " earlier lines not kept]");
            }
            all.addAll(lines);
            return all;
        }
    }

    private static TaskAssignment withMarker(TaskAssignment task, String marker) {
        return new TaskAssignment(task.taskId(), task.attempt(), task.taskClass(), task.worker(), task.javaClass(),
                task.method(), task.params(), task.deadlineEpochMillis(), marker);
    }
}
