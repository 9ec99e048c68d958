package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.sandbox.Confinement;
import io.taskhost.worker.OutputLine;
import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.WorkerProcess;
import io.taskhost.worker.WorkerProtocol;
import io.taskhost.worker.WorkerReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker JVM, from its start to its exit: it may wait warm for its first task, and runs
 * its tasks one at a time. Its stdout and stderr are logged with the MDC of the task it is
 * running, and a report is recognised only behind the marker of that task. It runs in a scratch
 * directory of its own and, where the machine allows, leads a process group of its own: once it
 * has exited, whatever is left of its group is killed and its directory deleted.
 */
final class WorkerJvm {

    private static final Logger log = LoggerFactory.getLogger(WorkerJvm.class);
    private static final Logger stdoutLog = LoggerFactory.getLogger("taskhost.worker.stdout");
    private static final Logger stderrLog = LoggerFactory.getLogger("taskhost.worker.stderr");
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    private final Process process;
    private final String sandbox;
    private final Confinement limits;
    private final ObjectMapper mapper;
    private final ProcessGroups groups;
    private final OutputStream stdin;
    private final int capacity;
    private final Map<String, String> startContext;
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final Object lock = new Object();
    private final OutputTail startOutput = new OutputTail();
    private final CompletableFuture<Void> gone;
    private volatile boolean ready;
    private boolean stdoutClosed;
    private Task current;
    private int tasksTaken;

    private WorkerJvm(Process process, String sandbox, Confinement limits, ObjectMapper mapper, ProcessGroups groups,
                      int capacity, Map<String, String> startContext, Runnable afterExit) {
        this.process = process;
        this.sandbox = sandbox;
        this.limits = limits;
        this.mapper = mapper;
        this.groups = groups;
        this.stdin = process.getOutputStream();
        this.capacity = capacity;
        this.startContext = startContext;
        this.stdoutPump = WorkerProcess.readLines(process.getInputStream(), "worker-" + process.pid() + "-stdout",
                this::onStdout, this::onStdoutClosed);
        this.stderrPump = WorkerProcess.readLines(process.getErrorStream(), "worker-" + process.pid() + "-stderr",
                this::onStderr, () -> { });
        this.gone = process.onExit().handle((exited, e) -> {
            groups.signal(process.pid(), "KILL");
            limits.close();
            afterExit.run();
            return null;
        });
    }

    /**
     * Starts a worker JVM that runs up to {@code capacity} tasks, in a new directory of
     * {@code scratch}, through {@code wrapper}; with {@code warm} it loads {@code workerClass} before it
     * waits for the first one.
     */
    static WorkerJvm start(Path java, WorkerScratch scratch, ProcessGroups groups, WorkerWrapper wrapper,
                           ObjectMapper mapper, List<String> jvmOptions, String classpath, boolean warm,
                           String workerClass, int capacity) throws IOException {
        Path directory = scratch.newDirectory("worker");
        Process process;
        try {
            long hostPid = wrapper.hidesHost() ? 0 : ProcessHandle.current().pid();
            process = WorkerProcess.startInScratch(wrapper.prefixFor().apply(directory), java, jvmOptions, classpath,
                    directory, WorkerProtocol.arguments(warm, List.of(workerClass), capacity, hostPid), groups);
        } catch (IOException | RuntimeException e) {
            scratch.delete(directory);
            throw e;
        }
        return new WorkerJvm(process, wrapper.sandbox(), wrapper.limits(), mapper, groups, capacity, MDC.getCopyOfContextMap(),
                () -> scratch.delete(directory));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether it has loaded its plugin, or run a task, and waits for the next one. */
    boolean isReady() {
        return ready;
    }

    /** How many more tasks it will take. */
    int remaining() {
        synchronized (lock) {
            return capacity - tasksTaken;
        }
    }

    /**
     * Hands it one task and waits until the task has reported, the JVM has died, or
     * {@code timeout} has passed; then the JVM and its process group are killed. A JVM that died
     * or sent no readable report is waited for until it has exited, for its exit code and its
     * last output; one that reported its last task exits by itself, unwaited.
     *
     * @param line the assignment, as one line of JSON whose report marker is {@code marker}
     * @throws InterruptedException if the host is stopping; the JVM has been killed
     */
    WorkerRun run(byte[] line, String marker, Duration timeout, String launch) throws InterruptedException {
        long assignedAt = System.currentTimeMillis();
        long deadline = System.nanoTime() + timeout.toNanos();
        Task task;
        boolean last;
        synchronized (lock) {
            if (tasksTaken == capacity) {
                throw new IllegalStateException("worker JVM pid " + pid() + " has run all its " + capacity + " tasks");
            }
            task = new Task(marker, MDC.getCopyOfContextMap(), tasksTaken == 0);
            tasksTaken++;
            last = tasksTaken == capacity;
            current = task;
            if (stdoutClosed) {
                task.report.complete(null);
            }
        }
        try {
            write(line, last);
            Received received = awaitReport(task, deadline);
            boolean timedOut = received == null && !task.report.isDone();
            if (timedOut) {
                log.warn("worker pid {} ran past its limit of {}; killing it", pid(), timeout);
                kill();
            }
            if (received != null && received.tooLarge() != null) {
                log.warn("worker pid {} sent a report of {} bytes, above the cap of {} bytes; it was not read", pid(),
                        received.tooLarge(), WorkerProtocol.MAX_REPORT_BYTES);
                if (last) {
                    reapBy(deadline);
                }
                return new WorkerRun(null, null, pid(), false, assignedAt, task.tail(), launch, sandbox,
                        limitReached(), received.tooLarge());
            }
            WorkerReport report = parse(received == null ? null : received.json());
            if (report == null) {
                timedOut |= !awaitExit(deadline);
                stdoutPump.join(OUTPUT_DRAIN.toMillis());
                stderrPump.join(OUTPUT_DRAIN.toMillis());
                return new WorkerRun(null, process.exitValue(), pid(), timedOut, assignedAt, task.tail(), launch,
                        sandbox, limitReached(), null);
            }
            if (last) {
                reapBy(deadline);
            }
            return new WorkerRun(report, null, pid(), false, assignedAt, task.tail(), launch, sandbox,
                    report.passed() ? null : limitReached(), null);
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
    }

    /** Which of its limits this JVM reached, for a task that failed: a fork that failed may be why. */
    private String limitReached() {
        return limits.limitReached().orElse(null);
    }

    private WorkerReport parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, WorkerReport.class);
        } catch (JsonProcessingException e) {
            log.error("worker pid {} sent a report the host cannot read: {}", pid(), e.getOriginalMessage());
            return null;
        }
    }

    /**
     * Stops a JVM that waits for a task, waiting up to {@code grace} for it to be gone, group and
     * scratch directory included; then kills it.
     */
    void stop(Duration grace) throws InterruptedException {
        retire();
        try {
            gone.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit handler never fails", e);
        }
    }

    /** Stops a JVM that waits for a task, or kills one that runs a task; its group is killed once it has exited. */
    void retire() {
        try {
            stdin.close();
        } catch (IOException e) {
            log.debug("worker pid {} had closed its stdin: {}", pid(), e.toString());
        }
        process.destroy();
    }

    private void write(byte[] line, boolean last) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
            if (last) {
                stdin.close();
            }
        } catch (IOException e) {
            log.debug("worker pid {} closed its stdin before reading the task: {}", pid(), e.toString());
        }
    }

    private static Received awaitReport(Task task, long deadline) throws InterruptedException {
        try {
            return task.report.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the report future never fails", e);
        }
    }

    /**
     * A JVM that has reported its last task exits by itself; the slot need not wait for that,
     * which frees it a few milliseconds sooner. One that does not exit by the task's deadline,
     * held up by a plugin's shutdown hook, is killed.
     */
    private void reapBy(long deadline) {
        process.onExit()
                .orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .exceptionallyAsync(notExited -> {
                    log.warn("worker pid {} reported its task but did not exit by the task's deadline; killing it",
                            pid());
                    try {
                        kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return process;
                });
    }

    private boolean awaitExit(long deadline) throws InterruptedException {
        if (process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return true;
        }
        log.warn("worker pid {} did not exit after its task; killing it", pid());
        kill();
        return false;
    }

    private void kill() throws InterruptedException {
        if (WorkerProcess.killTree(process, KILL_GRACE, groups)) {
            log.warn("worker pid {} ignored SIGTERM for {}; it was sent SIGKILL", pid(), KILL_GRACE);
        }
    }

    private void onStdout(OutputLine line) {
        if (!ready && line.text().equals(WorkerProtocol.READY_LINE)) {
            ready = true;
            return;
        }
        Task task;
        synchronized (lock) {
            task = current;
        }
        if (task != null) {
            var report = WorkerProtocol.reportJson(task.marker, line.text());
            if (report.isPresent()) {
                ready = true;
                task.report.complete(line.cut() ? new Received(null, line.bytes()) : new Received(report.get(), null));
                return;
            }
        }
        String shown = line.shown();
        withContext(task, () -> stdoutLog.info("{}", shown));
        remember(task, shown);
    }

    private void onStderr(OutputLine line) {
        Task task;
        synchronized (lock) {
            task = current;
        }
        String shown = line.shown();
        withContext(task, () -> stderrLog.info("{}", shown));
        remember(task, shown);
    }

    private void onStdoutClosed() {
        synchronized (lock) {
            stdoutClosed = true;
            if (current != null) {
                current.report.complete(null);
            }
        }
    }

    /** Output from before the first task, such as a JVM warning, belongs to the first task's tail. */
    private void remember(Task task, String line) {
        (task == null ? startOutput : task.tail).add(line);
    }

    private void withContext(Task task, Runnable logging) {
        Map<String, String> context = task == null ? startContext : task.context;
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
        logging.run();
    }

    /** A task's report line: its JSON, or the length of a line too long to read. */
    private record Received(String json, Long tooLarge) {
    }

    /** One task this JVM was handed. */
    private final class Task {

        private final String marker;
        private final Map<String, String> context;
        private final CompletableFuture<Received> report = new CompletableFuture<>();
        private final OutputTail tail = new OutputTail();

        Task(String marker, Map<String, String> context, boolean first) {
            this.marker = marker;
            this.context = context;
            if (first) {
                tail.addAll(startOutput);
            }
        }

        List<String> tail() {
            return tail.lines();
        }
    }
}
