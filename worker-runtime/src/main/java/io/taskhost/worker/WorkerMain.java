package io.taskhost.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The entry point of every worker JVM. It reads a {@link TaskAssignment} line from stdin, runs
 * the operation, prints one report line to stdout and exits 0 after its last task. Any other exit
 * means the worker died before it could report: the host records that as the cause.
 *
 * <p>Arguments (see {@link WorkerProtocol#arguments}): {@code --warm} loads the plugin's classes
 * (or {@code --warm-class NAME}, those named) and prints {@link WorkerProtocol#READY_LINE} before it reads a task; {@code --tasks M} runs up
 * to M tasks, one line each, before it exits; {@code --host-pid P} names its host, whose death (its parent
 * is no longer P) makes it kill its process group and halt. An empty stdin makes it exit 0 at once, which the
 * benchmark uses to time a bare start and class-data training uses with {@code --warm}.
 *
 * <p>Only jackson-core is on the path from start to report; see {@link LazyDatabind}.
 */
public final class WorkerMain {

    /** The exit code of a worker that stopped because its host went away. */
    public static final int HOST_GONE_EXIT_CODE = 99;
    private static final long HOST_CHECK_NANOS = 250_000_000L;
    /** A waiting worker learns of its host's end from its input; its watchdog is only the backstop then. */
    private static final long HOST_CHECK_WAITING_NANOS = 5_000_000_000L;

    private final AssignmentReader reader;
    private final OperationCall call;
    private final ReportWriter writer;
    private final OutputStream reports;

    WorkerMain(AssignmentReader reader, OperationCall call, ReportWriter writer, OutputStream reports) {
        this.reader = reader;
        this.call = call;
        this.writer = writer;
        this.reports = reports;
    }

    public static void main(String[] args) throws Exception {
        WorkerOptions options = WorkerOptions.parse(args);
        // The stdin descriptor itself: System.in's buffer asks available() after every read, an fstat
        // and an ioctl per task, and LineInput buffers anyway.
        var input = new LineInput(new FileInputStream(FileDescriptor.in));
        // The tasks behind the running one may already wait on stdin: a plugin that reads System.in
        // must not take them. It reads the end of input, as a process whose stdin is closed.
        System.setIn(InputStream.nullInputStream());
        // A cold worker reads first, so that an empty stdin still times a bare JVM start.
        byte[] line = options.warm() ? null : input.nextNonEmpty();
        if (!options.warm() && line == null) {
            return;
        }
        var ids = ProcessIds.ofThisPlatform();
        var watchdog = new HostWatchdog(ids, options.hostPid(), HOST_CHECK_NANOS, HOST_CHECK_WAITING_NANOS,
                HOST_GONE_EXIT_CODE);
        watchdog.start();
        // Reports go straight to the stdout descriptor, out of reach of a plugin's System.setOut.
        var worker = WorkerMain.of(new JsonFactory(), WorkerMain.class.getClassLoader(),
                new FileOutputStream(FileDescriptor.out), ids);
        if (options.warm()) {
            worker.warmUp(options.warmClasses(), System.err);
            line = input.nextNonEmpty();
            if (line == null) {
                return;
            }
        }
        int ran = 0;
        do {
            watchdog.taskStarts();
            worker.run(line);
            watchdog.taskEnded();
            ran++;
        } while (ran < options.tasks() && (line = input.nextNonEmpty()) != null);
        System.exit(0);
    }

    /** A worker that runs tasks of the classes {@code loader} sees and writes their reports to {@code reports}. */
    static WorkerMain of(JsonFactory json, ClassLoader loader, OutputStream reports, ProcessIds ids) {
        var natural = new NaturalJson(json);
        var databind = new LazyDatabind();
        var call = new OperationCall(new ParamsBinder(natural, databind), new ResultEncoder(natural, databind), loader,
                ids);
        return new WorkerMain(new AssignmentReader(json), call, new ReportWriter(json), reports);
    }

    /** Loads what a task will need without running plugin code, then tells the host it is ready. */
    void warmUp(List<String> classes, PrintStream err) throws IOException {
        new WarmUp(call.plugin(), reader, call, writer, err).run(classes);
        reports.write((WorkerProtocol.READY_LINE + '\n').getBytes(StandardCharsets.UTF_8));
        reports.flush();
    }

    /** The mapper that binds params and results that need databind; unknown properties are the producer's business. */
    static ObjectMapper newMapper() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Runs the task on {@code line} and writes its report after whatever the operation printed. */
    void run(byte[] line) throws IOException {
        Assignment assignment = reader.read(line, line.length);
        Outcome outcome = call.run(assignment);
        System.out.flush();
        System.err.flush();
        writer.write(reports, assignment.reportMarker(), outcome);
    }
}
