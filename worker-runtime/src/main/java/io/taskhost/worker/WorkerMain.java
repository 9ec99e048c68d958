package io.taskhost.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import io.taskhost.api.UnrecoverableTaskException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
        var mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new WorkerMain(mapper, reports).run(mapper.readValue(line, TaskAssignment.class));
        System.exit(0);
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
        long startedAt = System.currentTimeMillis();
        WorkerReport report;
        try {
            Object result = invoke(assignment);
            JsonNode resultJson = result == null ? null : mapper.valueToTree(result);
            report = new WorkerReport(true, resultJson, null, startedAt, System.currentTimeMillis(), pid(), false);
        } catch (Throwable failure) {
            report = new WorkerReport(false, null, WorkerReport.ErrorInfo.of(failure), startedAt,
                    System.currentTimeMillis(), pid(), failure instanceof UnrecoverableTaskException);
        }
        System.out.flush();
        System.err.flush();
        synchronized (reports) {
            reports.println();
            reports.println(WorkerProtocol.reportLine(assignment.reportMarker(), mapper.writeValueAsString(report)));
            reports.flush();
        }
    }

    private Object invoke(TaskAssignment assignment) throws Throwable {
        Class<?> type = Class.forName(assignment.javaClass());
        if (!TaskWorker.class.isAssignableFrom(type)) {
            throw new IllegalStateException(assignment.javaClass() + " is not a TaskWorker");
        }
        Method operation = findOperation(type, assignment.method());
        Object worker = type.getConstructor().newInstance();
        var context = new WorkerContext(assignment, new StderrLogger(type.getName(), System.err));
        Object[] args = new ParamsBinder(mapper).bind(operation, assignment.params(), context);
        try {
            return operation.invoke(worker, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Method findOperation(Class<?> type, String name) throws NoSuchMethodException {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && Operations.isOperation(method)) {
                return method;
            }
        }
        throw new NoSuchMethodException(type.getName() + " has no public operation " + name);
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }
}
