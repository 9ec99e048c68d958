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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * its tasks one at a time, in batches whose lines are all written ahead. Its stdout and stderr are
 * logged with the MDC of the task it is running, the oldest unreported one, and a report is
 * recognised only behind the marker of that task. It runs in a scratch
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
    /** The tasks written and not yet reported, the running one first; their reports come in this order. */
    private final Deque<Task> written = new ArrayDeque<>();
    /** The task reported last, whose output is any output between two batches. */
    private Task previous;
    /** Whether the batch has no more reports to wait for: all came, one was bad, or the JVM died or ran late. */
    private boolean settled = true;
    /**
     * Wakes the slot that waits for the batch: once it has settled, or when the task that runs now has a
     * deadline before {@link #awaited}, the one the slot waits until. Tasks of equal timeouts never do, so the
     * slot wakes once per batch.
     */
    private CompletableFuture<Void> attention = new CompletableFuture<>();
    private long awaited;
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
     * One task to hand to a JVM.
     *
     * @param line    the assignment, as one line of JSON whose report marker is {@code marker}
     * @param timeout how long the task may run, counted from when it starts: the write of its line, or the
     *                report of the task before it in the same batch
     * @param launch  how the JVM came to run it, for its {@link WorkerRun}
     * @param context the MDC its output is logged with; null for none
     */
    record Assignment(byte[] line, String marker, Duration timeout, String launch, Map<String, String> context) {

        /** The same task, run by a JVM that came to run it as {@code kind}. */
        Assignment launchedAs(String kind) {
            return new Assignment(line, marker, timeout, kind, context);
        }
    }

    /**
     * Hands it one task and waits until the task has reported, the JVM has died, or
     * {@code timeout} has passed: {@link #run(List)} with a batch of one, logged with the caller's MDC.
     *
     * @param line the assignment, as one line of JSON whose report marker is {@code marker}
     * @throws InterruptedException if the host is stopping; the JVM has been killed
     */
    WorkerRun run(byte[] line, String marker, Duration timeout, String launch) throws InterruptedException {
        return run(List.of(new Assignment(line, marker, timeout, launch, MDC.getCopyOfContextMap()))).get(0);
    }

    /**
     * Writes all of {@code batch}'s lines ahead, so that the JVM goes from one task to the next without waiting
     * for the host, and waits until every task has reported, or one has not: the JVM died, or sent a report too
     * large or unreadable, or the task ran past its own timeout, which counts from when it started. Then the JVM
     * and its process group are killed, and any later tasks of the batch, never started or cut short, are left
     * out of the result. A JVM that died or sent no readable report is waited for until it has exited, for its
     * exit code and its last output; one that reported its last task exits by itself, unwaited.
     *
     * @return one run per task, in order, up to and including the first without a report
     * @throws IllegalStateException if the JVM runs a batch already, or cannot take this many more tasks
     * @throws InterruptedException  if the host is stopping; the JVM has been killed
     */
    List<WorkerRun> run(List<Assignment> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("worker JVM pid " + pid() + " was handed no task");
        }
        List<Task> tasks = new ArrayList<>(batch.size());
        boolean last;
        synchronized (lock) {
            if (tasksTaken == capacity) {
                throw new IllegalStateException("worker JVM pid " + pid() + " has run all its " + capacity + " tasks");
            }
            if (batch.size() > capacity - tasksTaken) {
                throw new IllegalStateException("worker JVM pid " + pid() + " can take " + (capacity - tasksTaken)
                        + " more tasks, not " + batch.size());
            }
            if (!written.isEmpty()) {
                throw new IllegalStateException("worker JVM pid " + pid() + " still runs a batch");
            }
            for (Assignment assignment : batch) {
                tasks.add(new Task(assignment, tasksTaken == 0));
                tasksTaken++;
            }
            last = tasksTaken == capacity;
            written.addAll(tasks);
            settled = false;
            tasks.get(0).starts(System.currentTimeMillis(), System.nanoTime());
            if (stdoutClosed) {
                settle();
            }
        }
        try {
            write(batch, last);
            Task timedOut = awaitSettled();
            if (timedOut != null) {
                log.warn("worker pid {} ran past its limit of {}; killing it", pid(), timedOut.assignment.timeout());
                kill();
            }
            List<WorkerRun> runs = new ArrayList<>(tasks.size());
            for (Task task : tasks) {
                WorkerRun run = ended(task, task == timedOut, task == tasks.get(tasks.size() - 1), last);
                runs.add(run);
                if (run.report() == null) {
                    break;
                }
            }
            return runs;
        } catch (InterruptedException e) {
            kill();
            throw new TurnsInterrupted(reported(tasks));
        }
    }

    /** The runs of {@code tasks} that reported, up to the first that did not. */
    private List<WorkerRun> reported(List<Task> tasks) {
        List<WorkerRun> runs = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            Received received = task.received();
            if (received == null || received.report() == null) {
                break;
            }
            runs.add(reportedRun(task, received.report()));
        }
        return runs;
    }

    private WorkerRun reportedRun(Task task, WorkerReport report) {
        return new WorkerRun(report, null, pid(), false, task.assignedAt(), task.tail(), task.assignment.launch(),
                sandbox, report.passed() ? null : limitReached(), null);
    }

    /**
     * What became of {@code task} once its batch has settled.
     *
     * @param lastOfBatch whether it was the batch's last task; a JVM whose task has no report while later
     *                    ones are written is retired, for they must not run
     * @param lastOfJvm   whether the batch holds the JVM's last task
     */
    private WorkerRun ended(Task task, boolean timedOut, boolean lastOfBatch, boolean lastOfJvm)
            throws InterruptedException {
        Assignment assignment = task.assignment;
        Received received = task.received();
        if (received != null && received.report() != null) {
            if (lastOfBatch && lastOfJvm) {
                reapBy(task);
            }
            return reportedRun(task, received.report());
        }
        if (!lastOfBatch) {
            retire();
        }
        if (received != null && received.tooLarge() != null) {
            log.warn("worker pid {} sent a report of {} bytes, above the cap of {} bytes; it was not read", pid(),
                    received.tooLarge(), WorkerProtocol.MAX_REPORT_BYTES);
            if (lastOfBatch && lastOfJvm) {
                reapBy(task);
            }
            return new WorkerRun(null, null, pid(), false, task.assignedAt(), task.tail(), assignment.launch(),
                    sandbox, limitReached(), received.tooLarge());
        }
        timedOut |= !awaitExit(task.deadline());
        stdoutPump.join(OUTPUT_DRAIN.toMillis());
        stderrPump.join(OUTPUT_DRAIN.toMillis());
        return new WorkerRun(null, process.exitValue(), pid(), timedOut, task.assignedAt(), task.tail(),
                assignment.launch(), sandbox, limitReached(), null);
    }

    /**
     * Waits until the batch has settled, waking only at the deadline of the task that runs, if then, or when a
     * task with an earlier deadline starts; it returns the task that ran past its deadline, whose report is no
     * longer taken, or null.
     */
    private Task awaitSettled() throws InterruptedException {
        while (true) {
            Task running;
            long deadline;
            CompletableFuture<Void> wake;
            synchronized (lock) {
                if (settled) {
                    return null;
                }
                running = written.peekFirst();
                deadline = running.deadline();
                if (attention.isDone()) {
                    attention = new CompletableFuture<>();
                }
                awaited = deadline;
                wake = attention;
            }
            try {
                wake.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                synchronized (lock) {
                    if (!settled && written.peekFirst() == running && deadline - System.nanoTime() <= 0) {
                        settle();
                        return running;
                    }
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("the attention future never fails", e);
            }
        }
    }

    /** Ends the wait for the batch's reports; called with the lock held. */
    private void settle() {
        settled = true;
        attention.complete(null);
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

    /** Writes every line of the batch in one go; with the JVM's last task, closes its stdin after it. */
    private void write(List<Assignment> batch, boolean last) {
        try {
            for (Assignment assignment : batch) {
                stdin.write(assignment.line());
                stdin.write('\n');
            }
            stdin.flush();
            if (last) {
                stdin.close();
            }
        } catch (IOException e) {
            log.debug("worker pid {} closed its stdin before reading its tasks: {}", pid(), e.toString());
        }
    }

    /**
     * A JVM that has reported its last task exits by itself; the slot need not wait for that,
     * which frees it a few milliseconds sooner. One that does not exit by the task's deadline,
     * held up by a plugin's shutdown hook, is killed in a thread of its own, with the task's context.
     * Neither a second {@code onExit()} nor an asynchronous stage: on a machine of 2 cores the common
     * pool has one thread, and {@code CompletableFuture} then starts a new thread for each, for every task.
     */
    private void reapBy(Task task) {
        gone.copy()
                .orTimeout(Math.max(0, task.deadline() - System.nanoTime()), TimeUnit.NANOSECONDS)
                .whenComplete((exited, failure) -> {
                    if (failure instanceof TimeoutException) {
                        Thread killer = new Thread(() -> killLate(task), "worker-" + pid() + "-late");
                        killer.setDaemon(true);
                        killer.start();
                    }
                });
    }

    private void killLate(Task task) {
        withContext(task, () -> log.warn(
                "worker pid {} reported its task but did not exit by the task's deadline; killing it", pid()));
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        boolean reportable;
        synchronized (lock) {
            task = running();
            reportable = task != null && task == written.peekFirst() && !settled;
        }
        if (reportable) {
            var report = WorkerProtocol.reportJson(task.assignment.marker(), line.text());
            if (report.isPresent()) {
                ready = true;
                reported(task, line.cut() ? new Received(null, line.bytes()) : new Received(parse(report.get()), null));
                return;
            }
        }
        String shown = line.shown();
        withContext(task, () -> stdoutLog.info("{}", shown));
        remember(task, shown);
    }

    /**
     * Takes {@code task}'s report and starts the next task's clock: the JVM reads its line now. A task with no
     * report to take, or the batch's last, settles the batch.
     */
    private void reported(Task task, Received received) {
        long now = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        synchronized (lock) {
            if (settled || written.peekFirst() != task) {
                return; // it ran past its deadline in the meantime, and is being killed
            }
            written.removeFirst();
            task.received = received;
            previous = task;
            Task next = written.peekFirst();
            if (next == null || received.report() == null) {
                settle();
            } else {
                next.starts(nowMillis, now);
                if (next.deadline() - awaited < 0) {
                    attention.complete(null);
                }
            }
        }
    }

    private void onStderr(OutputLine line) {
        Task task;
        synchronized (lock) {
            task = running();
        }
        String shown = line.shown();
        withContext(task, () -> stderrLog.info("{}", shown));
        remember(task, shown);
    }

    private void onStdoutClosed() {
        synchronized (lock) {
            stdoutClosed = true;
            settle();
        }
    }

    /** The task whose output this JVM's output is: the oldest unreported one, else the last reported, or none. */
    private Task running() {
        Task first = written.peekFirst();
        return first != null ? first : previous;
    }

    /** Output from before the first task, such as a JVM warning, belongs to the first task's tail. */
    private void remember(Task task, String line) {
        (task == null ? startOutput : task.tail).add(line);
    }

    private void withContext(Task task, Runnable logging) {
        Map<String, String> context = task == null ? startContext : task.assignment.context();
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
        logging.run();
    }

    /** A task's report line: its report, null if it could not be read, or the length of a line too long to read. */
    private record Received(WorkerReport report, Long tooLarge) {
    }

    /** One task this JVM was handed. */
    private final class Task {

        private final Assignment assignment;
        private final OutputTail tail = new OutputTail();
        private volatile Received received;
        private volatile long assignedAt;
        private volatile long startedNanos;

        Task(Assignment assignment, boolean first) {
            this.assignment = assignment;
            if (first) {
                tail.addAll(startOutput);
            }
        }

        /** Starts its clock: its line was written to an idle JVM, or the task before it reported. */
        void starts(long epochMillis, long nanos) {
            assignedAt = epochMillis;
            startedNanos = nanos;
        }

        long assignedAt() {
            return assignedAt;
        }

        long deadline() {
            return startedNanos + assignment.timeout().toNanos();
        }

        Received received() {
            return received;
        }

        List<String> tail() {
            return tail.lines();
        }
    }
}
