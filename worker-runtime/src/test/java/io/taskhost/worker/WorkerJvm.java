package io.taskhost.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A worker JVM on the test class path, started as the host starts one, whose output a test reads line by line. */
final class WorkerJvm implements AutoCloseable {

    private static final String END = "\u0000end of output";

    private final Process process;
    private final ObjectMapper mapper = new ObjectMapper();
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread stderrPump;

    private WorkerJvm(Process process) {
        this.process = process;
        WorkerProcess.readLines(process.getInputStream(), "worker-jvm-stdout", line -> stdout.add(line.shown()),
                () -> stdout.add(END));
        stderrPump = WorkerProcess.readLines(process.getErrorStream(), "worker-jvm-stderr", line -> {
            synchronized (stderr) {
                stderr.add(line.shown());
            }
        }, () -> { });
    }

    static WorkerJvm start(Path workDir, List<String> jvmOptions, List<String> arguments) throws IOException {
        return start(workDir, jvmOptions, arguments, System.getProperty("java.class.path"));
    }

    static WorkerJvm start(Path workDir, List<String> jvmOptions, List<String> arguments, String classPath)
            throws IOException {
        List<String> options = new ArrayList<>(WorkerProcess.DEFAULT_JVM_OPTIONS);
        options.addAll(jvmOptions);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new WorkerJvm(WorkerProcess.start(java, options, classPath, workDir, arguments));
    }

    static TaskAssignment task(String method, String paramsJson, String marker) throws IOException {
        var params = paramsJson == null ? null : new ObjectMapper().readTree(paramsJson);
        return new TaskAssignment("t-" + marker, 1, "Sample", method.substring(Operations.METHOD_PREFIX.length()),
                SampleWorker.class.getName(), method, params, null, marker);
    }

    void send(TaskAssignment task) throws IOException {
        process.getOutputStream().write(mapper.writeValueAsBytes(task));
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
    }

    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** The next non-empty stdout line, or {@code null} once stdout has ended. */
    String nextLine(Duration within) throws InterruptedException {
        String line = stdout.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no stdout line within " + within + "; stderr: " + stderr());
        }
        if (line.equals(END)) {
            stdout.add(END);
            return null;
        }
        return line;
    }

    /** The report the next report line for {@code marker} carries, skipping other output. */
    WorkerReport nextReport(String marker, Duration within) throws Exception {
        String line;
        while ((line = nextLine(within)) != null) {
            var json = WorkerProtocol.reportJson(marker, line);
            if (json.isPresent()) {
                return mapper.readValue(json.get(), WorkerReport.class);
            }
        }
        throw new AssertionError("stdout ended without a report for " + marker + "; stderr: " + stderr());
    }

    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the worker JVM is still running after " + within);
        }
        stderrPump.join(within.toMillis());
        return process.exitValue();
    }

    List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    @Override
    public void close() throws InterruptedException {
        WorkerProcess.killTree(process, Duration.ofSeconds(5));
    }
}
