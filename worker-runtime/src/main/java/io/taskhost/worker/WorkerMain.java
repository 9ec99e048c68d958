package io.taskhost.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The entry point of every worker JVM. It reads one {@link TaskAssignment} line from stdin, runs
 * the operation, prints one report line to stdout and exits 0. Any other exit means the worker
 * died before it could report: the host records that as the cause.
 *
 * <p>An empty stdin makes it exit at once, which the benchmark uses to time a bare start.
 */
public final class WorkerMain {

    /** The exit code of a worker that stopped because its host went away. */
    public static final int HOST_GONE_EXIT_CODE = 99;
    private static final long HOST_CHECK_NANOS = 250_000_000L;

    private final ObjectMapper mapper;
    private final PrintStream reports;

    WorkerMain(ObjectMapper mapper, PrintStream reports) {
        this.mapper = mapper;
        this.reports = reports;
    }

    public static void main(String[] args) throws Exception {
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = stdin.readLine();
        if (line == null) {
            return;
        }
        dieWithHost();
        var reports = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        var mapper = newMapper();
        new WorkerMain(mapper, reports).run(mapper.readValue(line, TaskAssignment.class));
        System.exit(0);
    }

    /** The mapper that reads assignments and binds params; unknown properties are the producer's business. */
    static ObjectMapper newMapper() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * A worker must not outlive its host. It polls its parent rather than blocking on stdin,
     * because a thread blocked in a native read delays every JVM exit by about 300 ms.
     */
    private static void dieWithHost() {
        long hostPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Thread watchdog = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-2L) == hostPid) {
                LockSupport.parkNanos(HOST_CHECK_NANOS);
            }
            Runtime.getRuntime().halt(HOST_GONE_EXIT_CODE);
        }, "host-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    void run(TaskAssignment assignment) throws Exception {
        WorkerReport report = new OperationCall(mapper, WorkerMain.class.getClassLoader()).run(assignment);
        System.out.flush();
        System.err.flush();
        synchronized (reports) {
            reports.println();
            reports.println(WorkerProtocol.reportLine(assignment.reportMarker(), mapper.writeValueAsString(report)));
            reports.flush();
        }
    }
}
