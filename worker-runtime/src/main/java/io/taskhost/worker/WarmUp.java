package io.taskhost.worker;

import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What a warm spare does before its first task: loads the plugin's TaskWorker classes without
 * initializing them and resolves their operations, then runs a rehearsal task of its own through
 * the reader, the binder and the report writer. No plugin code runs, so a spare that is never
 * used has had no effect.
 */
final class WarmUp {

    private static final byte[] REHEARSAL = ("{\"taskId\":\"warm-up\",\"attempt\":1,\"taskClass\":\"WarmUp\","
            + "\"worker\":\"rehearse\",\"javaClass\":\"" + Rehearsal.class.getName() + "\","
            + "\"method\":\"_task_rehearse\",\"params\":{\"text\":\"a\",\"number\":1,\"ratio\":0.5,\"flag\":true,"
            + "\"list\":[null]},\"deadlineEpochMillis\":null,\"reportMarker\":\"warm-up\"}")
            .getBytes(StandardCharsets.UTF_8);

    private final ClassLoader plugin;
    private final AssignmentReader reader;
    private final OperationCall call;
    private final ReportWriter writer;
    private final PrintStream err;

    WarmUp(ClassLoader plugin, AssignmentReader reader, OperationCall call, ReportWriter writer, PrintStream err) {
        this.plugin = plugin;
        this.reader = reader;
        this.call = call;
        this.writer = writer;
        this.err = err;
    }

    /** The TaskWorker of the runtime itself that the rehearsal runs. */
    static final class Rehearsal implements TaskWorker {

        public Rehearsal() {
        }

        public Map<String, Object> _task_rehearse(Map<String, Object> params, TaskContext context) {
            return params;
        }
    }

    /**
     * Warms up {@code classes}, or every class of the plugin's extension index when there are none,
     * as far as it can; whatever fails is logged on one line, since the task will report it properly.
     */
    void run(List<String> classes) {
        try {
            for (String name : classes.isEmpty() ? ExtensionIndex.onClassPath(plugin) : classes) {
                resolve(name);
            }
        } catch (IOException e) {
            err.println("taskhost worker: warm-up could not read " + ExtensionIndex.PATH + ": " + e);
        }
        try {
            Assignment rehearsal = reader.read(REHEARSAL, REHEARSAL.length);
            writer.write(OutputStream.nullOutputStream(), rehearsal.reportMarker(), call.run(rehearsal));
        } catch (IOException e) {
            err.println("taskhost worker: warm-up rehearsal failed: " + e);
        }
    }

    private void resolve(String name) {
        try {
            Class<?> type = Class.forName(name, false, plugin);
            if (!TaskWorker.class.isAssignableFrom(type)) {
                return;
            }
            type.getConstructor();
            for (Method method : type.getMethods()) {
                if (Operations.isOperation(method)) {
                    Operations.unsupportedSignature(method);
                    method.getGenericParameterTypes();
                    method.getGenericReturnType();
                    prepareAccessor(method);
                }
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            err.println("taskhost worker: warm-up skipped " + name + ": " + e);
        }
    }

    /**
     * Makes reflection build the method's accessor, which since JDK 18 spins method-handle classes
     * (some 3 ms), by invoking it without a receiver: the accessor is built first, then the call is
     * refused before any plugin code runs. The task's call finds it on the shared root Method.
     */
    private static void prepareAccessor(Method operation) throws ReflectiveOperationException {
        try {
            operation.invoke(null, new Object[operation.getParameterCount()]);
        } catch (NullPointerException refused) {
            // What a receiver-less call of an instance method ends in.
        }
    }
}
