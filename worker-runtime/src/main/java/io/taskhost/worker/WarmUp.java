package io.taskhost.worker;

import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What a warm spare does before its first task: loads the plugin's TaskWorker classes without
 * initializing them and resolves their operations, then runs a rehearsal task of its own through
 * the reader, the binder and the report writer. No plugin code runs, so a spare that is never
 * used has had no effect.
 *
 * <p>Warmed up for every class of the plugin, as the class-data archive's training run is, it also
 * goes down the paths a real plugin's task takes beyond the rehearsal's, so that the archive holds
 * their classes: databind binding and writing a bean of its own, when an operation of the plugin
 * needs databind, and writing, reading and deleting a temporary file. A spare that warms up one
 * class leaves those to its task, which then loads their classes from the archive: in a burst, work
 * a spare does ahead is no less work on the machine's cores.
 */
final class WarmUp {

    private static final byte[] REHEARSAL = rehearsal("rehearse");
    private static final byte[] BEAN_REHEARSAL = rehearsal("rehearse_bean");

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

    private static byte[] rehearsal(String worker) {
        return ("{\"taskId\":\"warm-up\",\"attempt\":1,\"taskClass\":\"WarmUp\","
                + "\"worker\":\"" + worker + "\",\"javaClass\":\"" + Rehearsal.class.getName() + "\","
                + "\"method\":\"_task_" + worker + "\",\"params\":{\"text\":\"a\",\"number\":1,\"ratio\":0.5,"
                + "\"flag\":true,\"list\":[null]},\"deadlineEpochMillis\":null,\"reportMarker\":\"warm-up\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The TaskWorker of the runtime itself that the rehearsals run. */
    static final class Rehearsal implements TaskWorker {

        public Rehearsal() {
        }

        public Map<String, Object> _task_rehearse(Map<String, Object> params, TaskContext context) {
            return params;
        }

        public RehearsalBean _task_rehearse_bean(RehearsalBean params, TaskContext context) {
            return params;
        }
    }

    /** Params as a plugin's own class holds them, which databind binds through its setters and writes through its getters. */
    public static final class RehearsalBean {

        private String text;
        private long number;
        private double ratio;
        private boolean flag;
        private List<Object> list;

        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }

        public long getNumber() {
            return number;
        }

        public void setNumber(long number) {
            this.number = number;
        }

        public double getRatio() {
            return ratio;
        }

        public void setRatio(double ratio) {
            this.ratio = ratio;
        }

        public boolean isFlag() {
            return flag;
        }

        public void setFlag(boolean flag) {
            this.flag = flag;
        }

        public List<Object> getList() {
            return list;
        }

        public void setList(List<Object> list) {
            this.list = list;
        }
    }

    /**
     * Warms up {@code classes}, or every class of the plugin's extension index when there are none,
     * as far as it can; whatever fails is logged on one line, since the task will report it properly.
     */
    void run(List<String> classes) {
        boolean everyClass = classes.isEmpty();
        boolean databind = false;
        try {
            for (String name : everyClass ? ExtensionIndex.onClassPath(plugin) : classes) {
                databind |= resolve(name);
            }
        } catch (IOException e) {
            err.println(WorkerProtocol.WARM_UP_TROUBLE + "could not read " + ExtensionIndex.PATH + ": " + e);
        }
        rehearse(REHEARSAL);
        if (everyClass && databind) {
            rehearse(BEAN_REHEARSAL);
        }
        if (everyClass) {
            rehearseFiles();
        }
    }

    private void rehearse(byte[] task) {
        try {
            Assignment rehearsal = reader.read(task, task.length);
            Outcome outcome = call.run(rehearsal);
            writer.write(OutputStream.nullOutputStream(), rehearsal.reportMarker(), outcome);
            if (!outcome.passed()) {
                err.println(WorkerProtocol.WARM_UP_TROUBLE + "rehearsal failed: " + outcome.error().message());
            }
        } catch (IOException e) {
            err.println(WorkerProtocol.WARM_UP_TROUBLE + "rehearsal failed: " + e);
        }
    }

    /** What writing a small file costs a task the first time: the JDK's file channel and stream classes. */
    private void rehearseFiles() {
        try {
            Path file = Files.createTempFile("taskhost-warm-up-", ".txt");
            try {
                Files.writeString(file, "a\n");
                Files.readString(file);
                Files.size(file);
                file.toAbsolutePath();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            err.println(WorkerProtocol.WARM_UP_TROUBLE + "could not write a temporary file: " + e);
        }
    }

    /** Loads and resolves a TaskWorker class; whether one of its operations binds its params through databind. */
    private boolean resolve(String name) {
        boolean databind = false;
        try {
            Class<?> type = Class.forName(name, false, plugin);
            if (!TaskWorker.class.isAssignableFrom(type)) {
                return false;
            }
            type.getConstructor();
            for (Method method : type.getMethods()) {
                if (Operations.isOperation(method)) {
                    Operations.unsupportedSignature(method);
                    for (Type parameter : method.getGenericParameterTypes()) {
                        databind |= !ParamsBinder.bindsWithoutDatabind(parameter);
                    }
                    method.getGenericReturnType();
                    prepareAccessor(method);
                }
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            err.println(WorkerProtocol.WARM_UP_TROUBLE + "skipped " + name + ": " + e);
        }
        return databind;
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
