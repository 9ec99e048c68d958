package io.taskhost.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import io.taskhost.api.UnrecoverableTaskException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calls the operation an assignment names and turns what happens into a report. */
final class OperationCall {

    private final ObjectMapper mapper;
    private final ClassLoader plugin;

    OperationCall(ObjectMapper mapper, ClassLoader plugin) {
        this.mapper = mapper;
        this.plugin = plugin;
    }

    WorkerReport run(TaskAssignment assignment) {
        long startedAt = System.currentTimeMillis();
        try {
            Object result = invoke(assignment);
            JsonNode resultJson = result == null ? null : mapper.valueToTree(result);
            return new WorkerReport(true, resultJson, null, startedAt, System.currentTimeMillis(), pid(), false);
        } catch (Throwable failure) {
            return new WorkerReport(false, null, WorkerReport.ErrorInfo.of(failure), startedAt,
                    System.currentTimeMillis(), pid(), failure instanceof UnrecoverableTaskException);
        }
    }

    private Object invoke(TaskAssignment assignment) throws Throwable {
        Class<?> type = Class.forName(assignment.javaClass(), true, plugin);
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
