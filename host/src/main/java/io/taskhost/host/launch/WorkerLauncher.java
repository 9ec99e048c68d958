package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerProcess;
import io.taskhost.worker.WorkerProtocol;
import io.taskhost.worker.WorkerReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Starts one worker JVM per task: {@code java <options> -cp <runtime>:<plugin jar> WorkerMain}.
 * The task goes in on stdin, never on the command line. The report comes back on stdout behind a
 * per-launch marker; every other stdout and stderr line is logged with the caller's MDC.
 */
public final class WorkerLauncher {

    private static final Logger log = LoggerFactory.getLogger(WorkerLauncher.class);
    private static final Logger stdoutLog = LoggerFactory.getLogger("taskhost.worker.stdout");
    private static final Logger stderrLog = LoggerFactory.getLogger("taskhost.worker.stderr");
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);
    private static final int OUTPUT_TAIL_LINES = 20;

    private final LaunchSettings settings;
    private final WorkerClasspath classpath;
    private final ClassDataSharing classData;
    private final ObjectMapper mapper;

    public WorkerLauncher(LaunchSettings settings, WorkerClasspath classpath, ClassDataSharing classData,
                          ObjectMapper mapper) {
        this.settings = settings;
        this.classpath = classpath;
        this.classData = classData;
        this.mapper = mapper;
    }

    /**
     * Runs {@code assignment} in a new worker JVM and waits for it to exit.
     *
     * @param jvmOptions options for this task's JVM, after the host-wide ones (a later -Xmx wins)
     * @param timeout how long the operation may run; the worker and its descendants are then killed
     * @throws IOException          if the JVM could not be started
     * @throws InterruptedException if the host is shutting down; the worker has been killed
     */
    public WorkerRun run(TaskAssignment assignment, Path pluginJar, List<String> jvmOptions, Duration timeout)
            throws IOException, InterruptedException {
        String marker = UUID.randomUUID().toString();
        byte[] input = serialize(withMarker(assignment, marker));
        long spawnedAt = System.currentTimeMillis();
        List<String> options = new ArrayList<>(settings.jvmOptions());
        options.addAll(jvmOptions);
        options.addAll(classData.optionsFor(classpath.jars(pluginJar), List.copyOf(options)));
        Process process = WorkerProcess.start(settings.java(), options, classpath.with(pluginJar), settings.workDir());
        var reportJson = new AtomicReference<String>();
        var outputTail = new ArrayDeque<String>();
        Map<String, String> context = MDC.getCopyOfContextMap();
        Thread stdout = pump(process.getInputStream(), "stdout", context, line -> WorkerProtocol
                .reportJson(marker, line).ifPresentOrElse(reportJson::set, () -> {
                    stdoutLog.info("{}", line);
                    remember(outputTail, line);
                }));
        Thread stderr = pump(process.getErrorStream(), "stderr", context, line -> {
            stderrLog.info("{}", line);
            remember(outputTail, line);
        });
        try {
            writeTask(process.getOutputStream(), input);
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                log.warn("worker pid {} ran past its limit of {}; killing it", process.pid(), timeout);
                kill(process);
            }
            stdout.join(OUTPUT_DRAIN.toMillis());
            stderr.join(OUTPUT_DRAIN.toMillis());
            List<String> tail;
            synchronized (outputTail) {
                tail = List.copyOf(outputTail);
            }
            return new WorkerRun(parse(reportJson.get()), process.exitValue(), process.pid(), !exited, spawnedAt, tail);
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
    }

    private static void writeTask(OutputStream stdin, byte[] input) {
        try (stdin) {
            stdin.write(input);
            stdin.write('\n');
        } catch (IOException e) {
            log.debug("worker closed its stdin before reading the task: {}", e.toString());
        }
    }

    private static void kill(Process process) throws InterruptedException {
        if (WorkerProcess.killTree(process, KILL_GRACE)) {
            log.warn("worker pid {} ignored SIGTERM for {}; it was sent SIGKILL", process.pid(), KILL_GRACE);
        }
    }

    private Thread pump(InputStream stream, String name, Map<String, String> context, Consumer<String> onLine) {
        Thread thread = new Thread(() -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try (var lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.isEmpty()) {
                        onLine.accept(line);
                    }
                }
            } catch (IOException e) {
                log.debug("worker {} closed: {}", name, e.toString());
            }
        }, "worker-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void remember(Deque<String> tail, String line) {
        synchronized (tail) {
            if (tail.size() == OUTPUT_TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }

    private WorkerReport parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, WorkerReport.class);
        } catch (JsonProcessingException e) {
            log.error("worker sent a report the host cannot read: {}", e.getOriginalMessage());
            return null;
        }
    }

    private byte[] serialize(TaskAssignment assignment) {
        try {
            return mapper.writeValueAsBytes(assignment);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize task " + assignment.taskId(), e);
        }
    }

    private static TaskAssignment withMarker(TaskAssignment a, String marker) {
        return new TaskAssignment(a.taskId(), a.attempt(), a.taskClass(), a.worker(), a.javaClass(), a.method(),
                a.params(), a.deadlineEpochMillis(), marker);
    }
}
