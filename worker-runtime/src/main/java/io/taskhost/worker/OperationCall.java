package io.taskhost.worker;

import io.taskhost.api.TaskWorker;
import io.taskhost.api.UnrecoverableTaskException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calls the operation an assignment names and turns what happens into an outcome. */
final class OperationCall {

    private final ParamsBinder binder;
    private final ResultEncoder results;
    private final ClassLoader plugin;
    private final ProcessIds ids;

    OperationCall(ParamsBinder binder, ResultEncoder results, ClassLoader plugin, ProcessIds ids) {
        this.binder = binder;
        this.results = results;
        this.plugin = plugin;
        this.ids = ids;
    }

    ClassLoader plugin() {
        return plugin;
    }

    Outcome run(Assignment assignment) {
        long startedAt = System.currentTimeMillis();
        try {
            String resultJson = results.encode(invoke(assignment));
            return new Outcome(true, resultJson, null, startedAt, System.currentTimeMillis(), pid(), false);
        } catch (Throwable failure) {
            return new Outcome(false, null, WorkerReport.ErrorInfo.of(failure), startedAt,
                    System.currentTimeMillis(), pid(), failure instanceof UnrecoverableTaskException);
        }
    }

    private Object invoke(Assignment assignment) throws Throwable {
        Class<?> type = Class.forName(assignment.javaClass(), true, plugin);
        if (!TaskWorker.class.isAssignableFrom(type)) {
            throw new IllegalStateException(assignment.javaClass() + " is not a TaskWorker");
        }
        Method operation = findOperation(type, assignment.method());
        Object worker = type.getConstructor().newInstance();
        var context = new WorkerContext(assignment, new StderrLogger(type.getName(), System.err));
        Object[] args = binder.bind(operation, assignment.paramsJson(), context);
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

    private long pid() {
        return ids.pid();
    }
}
